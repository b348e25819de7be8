"""The pictures a paper shows, checked where they are named: a section's images, the cover's logos (paper.yaml) and
the pictures in the templates' output. COE501 a file that is not there, COE502 no alt text, COE503 a path outside
the project, COE504 a type Word does not show, COE505 a damaged picture (its header unreadable, or its data
stopping before its end: a copy cut short, see picture_ends), COE008 one too large to read or of more pixels than a
viewer can open (a small file may hold a huge picture: 100 KB of PNG unpack to 2.5 GB)."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from . import limits
from .diagnostics import Diagnostic, error
from .markdown import link_scheme
from .model import Project
from .picture_ends import ends_early
from .project import CONFIG_PATH
from .sources import NotAFile, OutsideProject, Source, SourceError, TooLarge, normalise, unreadable
from .store import Store

if TYPE_CHECKING:
    from .checks import Parsed

IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff")


def images(item: Parsed, source: Source, known: Store | None = None) -> Iterator[Diagnostic]:
    """COE501 missing image file, COE502 no alt text, COE503 path outside the project, COE504 unsupported type,
    COE505 damaged (from the section's facts: its pictures' paths and places); `known` holds the pictures found
    readable before (by their bytes)."""
    base = item.section.path.rsplit("/", 1)[0]
    for picture in item.facts.pictures:
        src, line, col, path_name = picture.name, picture.line, picture.column, item.section.path
        if not picture.flag:
            yield error(path_name, line, col, "COE502", f"image '{src}' has no alt text",
                        "describe the image for readers who cannot see it: ![description](path)")
        if link_scheme(src):
            yield error(path_name, line, col, "COE503", f"image '{src}' is not a file in the project")
            continue
        try:
            path = normalise(src, base)
        except SourceError as exc:
            yield error(path_name, line, col, "COE503", f"image {exc}")
            continue
        if not source.exists(path):
            why = unreadable(source, path)
            if isinstance(why, OutsideProject):
                yield error(path_name, line, col, "COE503",
                            f"image '{src}' leads outside the project through a symbolic link")
            else:
                yield error(path_name, line, col, "COE501", f"image '{src}' {_missing(why)} ({path})",
                            _from_the_section(src, base, source))
        elif not path.lower().endswith(IMAGE_TYPES):
            yield error(path_name, line, col, "COE504",
                        f"image '{src}' is not a type Word shows (PNG, JPEG, GIF, BMP, TIFF)")
        else:
            try:
                data = source.read_bytes(path, limits.LIMITS.image_bytes)
            except TooLarge as exc:
                yield error(path_name, line, col, "COE008", f"image {exc}", _SMALLER)
                continue
            except SourceError:
                data = b""
            size = _size(data, known)
            if isinstance(size, str):
                yield error(path_name, line, col, "COE505", f"image '{src}' {size}", _AGAIN)
            elif _too_many_pixels(size):
                yield error(path_name, line, col, "COE008", f"image '{src}' {_pixels(size)}", _SMALLER)


def logos(project: Project, source: Source, known: Store | None = None) -> Iterator[Diagnostic]:
    """COE501 a cover logo (paper.yaml's `cover: logos:`) that is not a file, COE503 one outside the project (as
    written or through a link), COE505 one that is damaged or not an image (the cover would show its alt text
    instead)."""
    for index, logo in enumerate(project.config.cover.logos):
        place = ("cover", "logos", index, "path")
        try:
            data: bytes | None = source.read_bytes(normalise(logo.path), limits.LIMITS.image_bytes)
        except OutsideProject as exc:
            yield error(CONFIG_PATH, *project.config_place(*place), "COE503", f"logo {exc}")
            continue
        except TooLarge as exc:
            yield error(CONFIG_PATH, *project.config_place(*place), "COE008", f"logo {exc}", _SMALLER)
            continue
        except SourceError as exc:
            yield error(CONFIG_PATH, *project.config_place(*place), "COE501", f"logo '{logo.path}' {_missing(exc)}")
            continue
        if data is None:
            yield error(CONFIG_PATH, *project.config_place(*place), "COE501", f"logo '{logo.path}' not found")
        elif isinstance(size := _size(data, known), str):
            yield error(CONFIG_PATH, *project.config_place(*place), "COE505", f"logo '{logo.path}' {size}", _AGAIN)
        elif _too_many_pixels(size):
            yield error(CONFIG_PATH, *project.config_place(*place), "COE008", f"logo '{logo.path}' {_pixels(size)}",
                        _SMALLER)


def named_pictures(root: Path | None) -> Store:
    """Where the pictures each template output names are kept, by the output's text: validate and assemble read and
    write the same entries."""
    return Store(root, "template-pictures", "", pack=True)


def template_pictures(path: str, text: str, source: Source, known: Store | None = None) -> Iterator[Diagnostic]:
    """COE501 a picture in a template's output (its path read from the project, as the document reads it) that is
    not a file, COE503 one outside the project: the document would print its alt text in brackets instead. The
    pictures an output names are kept in `known` by its text: a warm run parses no Markdown for them."""
    for src in _pictures_of(text, known):
        try:
            if link_scheme(src):
                raise OutsideProject(f"'{src}' is not a file in the project")
            where = normalise(src)
        except SourceError as exc:
            yield error(path, 0, 0, "COE503", f"image in the template's output: {exc}")
            continue
        if not source.exists(where):
            cause = unreadable(source, where)
            code, why = (("COE503", "leads outside the project through a symbolic link")
                         if isinstance(cause, OutsideProject) else ("COE501", _missing(cause)))
            yield error(path, 0, 0, code, f"image '{src}' in the template's output {why}",
                        "give the picture's path from the project's folder, e.g. paper/images/logo.png")


def _pictures_of(text: str, known: Store | None) -> list[str]:
    """The paths of the pictures a template's output shows (parsed as the document parses it)."""
    if "![" not in text:
        return []
    key = known.key(hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()) if known is not None else ""
    kept = known.get(key) if known is not None else None
    if isinstance(kept, list) and all(isinstance(src, str) for src in kept):
        return kept
    from .markdown import template_parser

    found = [str(child.attrs.get("src", "")) for token in template_parser().parse(text)
             for child in token.children or () if child.type == "image" and child.attrs.get("src")]
    if known is not None:
        known.put(key, found)
    return found


def _missing(why: SourceError | None) -> str:
    """What COE501 says of a picture that cannot be read: a folder or a named pipe in its place is there."""
    return f"is {why.kind}, not a file" if isinstance(why, NotAFile) else "not found"


_SMALLER = "export it again at the size it is shown (a page is about 2,000 pixels wide at 300 dpi)"
_AGAIN = "export it again as PNG or JPEG"


def _size(data: bytes, known: Store | None) -> tuple[int, int] | str:
    """The picture's width and height in pixels, or what is wrong with it: damaged or not an image (python-docx
    cannot read its header), or its data ending early. Kept in `known` by its bytes when it is whole."""
    key = known.key(hashlib.sha256(data).hexdigest()) if known is not None else ""
    kept = known.get(key) if known is not None else None
    if isinstance(kept, list) and len(kept) == 2 and all(isinstance(n, int) for n in kept):
        return kept[0], kept[1]
    size = image_size(data)
    if size is None:
        return "is damaged or not an image"
    short = ends_early(data)
    if short is not None:
        return short
    if known is not None:
        known.put(key, list(size))
    return size


def _too_many_pixels(size: tuple[int, int]) -> bool:
    return size[0] * size[1] > limits.LIMITS.image_pixels


def _pixels(size: tuple[int, int]) -> str:
    return (f"is {size[0]:,} x {size[1]:,} pixels, over the {limits.LIMITS.image_pixels:,} a picture may have "
            "(Word and browsers unpack every pixel to show it)")


def shown(name: str, data: bytes) -> bool:
    """Whether the document shows the picture `name` holding `data`: a type Word shows, readable, within the
    pixels a picture may have (else validate says why: COE504, COE505, COE008)."""
    size = image_size(data) if name.lower().endswith(IMAGE_TYPES) else None
    return size is not None and not _too_many_pixels(size) and ends_early(data) is None


def image_size(data: bytes) -> tuple[int, int] | None:
    """The picture's width and height in pixels as python-docx reads them from its header, or a JPEG's from its
    frame's (see jpegs.py); None when neither can."""
    from .jpegs import docx_image  # python-docx takes a while to load: only papers with images

    try:
        image = docx_image(data)
        return int(image.px_width), int(image.px_height)
    except Exception:  # a third-party parser fed untrusted bytes: any failure means "not usable"
        return None


def _from_the_section(src: str, base: str, source: Source) -> str:
    """The hint for a picture not found: the path that names it from the section's folder, when `src` names a file
    from the project's folder (as a member who wrote `paper/images/x.png` meant)."""
    try:
        meant = normalise(src)
    except SourceError:
        return ""
    if not base or not source.exists(meant):
        return ""
    return f"a picture's path starts from the section's folder: ({posixpath.relpath(meant, base)})"
