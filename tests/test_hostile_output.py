"""Where documents are written (issue 11): never outside the project through a symbolic link, never over the
paper's own files, and no temporary file left behind by a writer that was killed."""

from __future__ import annotations

import os
import re
import shutil
import stat
import time
import zipfile
from pathlib import Path

import pytest

from coe_paper.project import load_project
from coe_paper.safepaths import output_problems, write_atomic
from coe_paper.sources import WorkTree
from conftest import MakeProject, cli, require_client, tiny_png
from drafts import pandoc_draft

OUTPUT = "build/test-paper.docx"


def test_build_folder_linked_out_of_the_project(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project(git=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "build").symlink_to(elsewhere)
    checked = cli("--project", str(root), "validate")
    assert checked.exit_code == 1
    assert f"paper/paper.yaml:5:1: error COE005 output: '{OUTPUT}' leads outside the project" in checked.stderr
    built = cli("--project", str(root), "assemble")
    assert built.exit_code == 1
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("given", [OUTPUT, "build/paper.docx", "out/paper.docx"])
def test_an_output_is_resolved_once_for_all_its_checks(make_project: MakeProject, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch, given: str) -> None:
    """Checking an output followed its symbolic links three times over (for a `.git` folder, for a loop, on the way
    out of the project), each time asking the file system again; it is resolved once, with the same answers: here
    a build/ inside the project and an out/ linked to a folder outside it."""
    root = make_project(git=True)
    (tmp_path / "elsewhere").mkdir()
    (root / "out").symlink_to(tmp_path / "elsewhere")
    loaded, _ = load_project(WorkTree(root))
    assert loaded is not None
    target = root / given
    asked: list[Path] = []
    resolve = Path.resolve

    def counted(self: Path, strict: bool = False) -> Path:
        asked.append(self)
        return resolve(self, strict)

    monkeypatch.setattr(Path, "resolve", counted)
    found = output_problems(root, target, loaded.config, explicit=True)
    assert asked.count(target) == 1, asked
    assert [problem.code for problem in found] == (["COE005"] if given.startswith("out/") else [])


@pytest.mark.parametrize(("command", "name"), [("assemble", "paper.docx"), ("schema", "schemas")])
def test_explicit_output_through_a_linked_folder_is_refused(make_project: MakeProject, tmp_path: Path, command: str,
                                                            name: str) -> None:
    root = make_project(git=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "out").symlink_to(elsewhere)
    built = cli("--project", str(root), command, "-o", str(root / "out" / name))
    assert built.exit_code == 1
    assert "error COE005 -o" in built.stderr and "leads outside the project through a symbolic link" in built.stderr
    assert list(elsewhere.iterdir()) == []


def test_explicit_output_outside_the_project_is_the_users_choice(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project(git=True)
    target = tmp_path / "handout" / "paper.docx"
    built = cli("--project", str(root), "assemble", "-o", str(target))
    assert built.exit_code == 0, built.stderr
    assert zipfile.is_zipfile(target)


VICTIMS = ["paper/template.docx", "sections/01-intro.md", "paper/paper.yaml", "contributors.yaml",
           "paper/templates/byline.md.j2", "sections/new.docx"]


@pytest.mark.parametrize("victim", VICTIMS)
@pytest.mark.parametrize("command", [(), ("--compare", "HEAD")], ids=["assemble", "compare"])
def test_output_over_the_papers_own_files_is_refused(make_project: MakeProject, victim: str,
                                                     command: tuple[str, ...]) -> None:
    root = make_project({"paper/templates/byline.md.j2": "{.Byline}\nLead: {{ section.lead.name }}\n"}, git=True)
    before = (root / victim).read_bytes() if (root / victim).exists() else None
    built = cli("--project", str(root), "assemble", *command, "-o", str(root / victim))
    assert built.exit_code == 1
    assert "error COE007 -o" in built.stderr and "would overwrite the paper's own files" in built.stderr
    after = (root / victim).read_bytes() if (root / victim).exists() else None
    assert after == before


def test_output_in_paper_yaml_over_a_section_is_an_error_in_validate(make_project: MakeProject) -> None:
    root = make_project()
    paper = (root / "paper/paper.yaml").read_text()
    (root / "paper/paper.yaml").write_text(paper.replace(f"output: {OUTPUT}", "output: sections/01-intro.md"))
    checked = cli("--project", str(root), "validate")
    assert "paper/paper.yaml:5:1: error COE007 output: 'sections/01-intro.md' would overwrite" in checked.stderr


@pytest.mark.parametrize(("key", "value", "line"), [("templates", '""', 7), ("templates", "./", 7),
                                                   ("template", "paper/..", 6), ("template", "''", 6)])
def test_templates_naming_the_project_itself_is_an_error_at_its_line(make_project: MakeProject, key: str,
                                                                     value: str, line: int) -> None:
    root = make_project()
    paper = (root / "paper/paper.yaml").read_text()
    default = "paper/templates" if key == "templates" else "paper/template.docx"
    (root / "paper/paper.yaml").write_text(paper.replace(f"{key}: {default}\n", f"{key}: {value}\n"))
    checked = cli("--project", str(root), "validate")
    assert checked.exit_code == 1
    assert f"paper/paper.yaml:{line}:1: error COE002 {key}:" in checked.stderr
    assert "COE007" not in checked.stderr and "Traceback" not in checked.stderr


def test_temporary_files_of_killed_writers_are_removed(make_project: MakeProject) -> None:
    root = make_project(git=True)
    build = root / "build"
    build.mkdir()
    dead = build / ".test-paper.docx.4999999.x1y2.tmp"  # no process has this id (Linux allows up to 4,194,304)
    old = build / ".test-paper.docx.a8b9c0.tmp"  # named before writers put their id in it, and two hours old
    alive = build / f".test-paper.docx.{os.getpid()}.z9.tmp"  # a writer that still runs: left alone
    other = build / ".notes.txt.4999999.q.tmp"  # another file's: not this writer's business
    for stray in (dead, old, alive, other):
        stray.write_bytes(b"half a document")
    hours_ago = time.time() - 7200
    os.utime(old, (hours_ago, hours_ago))
    built = cli("--project", str(root), "assemble")
    assert built.exit_code == 0, built.stderr
    assert sorted(p.name for p in build.iterdir()) == sorted([alive.name, other.name, "test-paper.docx"])


@pytest.mark.parametrize("name", ["a" * 245 + ".docx", "é" * 122 + ".docx"])  # 250 and 249 bytes: names that fit
def test_a_long_output_name_that_the_file_system_allows_is_written(make_project: MakeProject, name: str) -> None:
    """The temporary file beside the output was named `.NAME.PID.xxxxxxxx.tmp`: for a name near the file system's
    limit of 255 bytes that name was too long, and a valid output could not be written (COE006 'File name too
    long'). A killed writer's temporary file of such a name is still removed."""
    root = make_project(git=True)
    (root / "build").mkdir()
    dead = root / "build" / f".{os.fsdecode(os.fsencode(name)[:200])}.4999999.x1y2.tmp"  # its first 200 bytes
    dead.write_bytes(b"half a document")
    built = cli("--project", str(root), "assemble", "--no-layout", "-o", str(root / "build" / name))
    assert built.exit_code == 0, built.stderr
    assert zipfile.is_zipfile(root / "build" / name)
    assert sorted(p.name for p in (root / "build").iterdir()) == [name]


def test_a_new_file_follows_the_umask_and_a_rewritten_one_keeps_its_mode(make_project: MakeProject,
                                                                         tmp_path: Path) -> None:
    """Every file was written 0644: a document built under umask 077 (a draft kept private) could be read by every
    user of the machine, and a file written again (a section `apply` changes, a group-writable 0664 in a shared
    checkout) lost its own mode."""
    root = make_project(git=True)
    old = os.umask(0o077)
    try:
        built = cli("--project", str(root), "assemble", "--no-layout")
        fresh = tmp_path / "fresh.bin"
        write_atomic(fresh, b"new")
    finally:
        os.umask(old)
    assert built.exit_code == 0, built.stderr
    assert stat.S_IMODE((root / OUTPUT).stat().st_mode) == 0o600
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    shared = tmp_path / "shared.md"
    shared.write_bytes(b"old")
    shared.chmod(0o664)
    write_atomic(shared, b"new")
    assert shared.read_bytes() == b"new" and stat.S_IMODE(shared.stat().st_mode) == 0o664


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    target.mkdir()  # a directory in the way: the rename fails
    with pytest.raises(OSError):
        write_atomic(target, b"data")
    assert [p.name for p in tmp_path.iterdir()] == ["out.docx"]


def test_output_onto_a_pipe_or_device_is_refused_and_left_as_it_is(make_project: MakeProject,
                                                                  tmp_path: Path) -> None:
    """`-o /dev/null` (run as root) renamed the document over the device, leaving /dev/null a regular file; a pipe
    stands in for it here: the write is refused and the special file stays what it was."""
    root = make_project(git=True)
    pipe = tmp_path / "pipe.docx"
    os.mkfifo(pipe)
    built = cli("--project", str(root), "assemble", "--no-layout", "-o", str(pipe))
    assert built.exit_code == 1
    assert f"{pipe}: error COE006 cannot write the document: it is a named pipe, not a file" in built.stderr
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name != root.name] == ["pipe.docx"]


def test_output_named_as_another_kind_of_file_is_refused(make_project: MakeProject, tmp_path: Path) -> None:
    """`-o paper.pdf` wrote a Word document under a PDF's name (no PDF viewer, nor Word, would open it), and so did
    paper.yaml's `output:`: both are COE006, the one in paper.yaml at its line; a .DOCX name is a .docx name."""
    root = make_project(git=True)
    built = cli("--project", str(root), "assemble", "--no-layout", "-o", str(tmp_path / "paper.pdf"))
    assert built.exit_code == 1
    assert f"{tmp_path / 'paper.pdf'}: error COE006 -o {tmp_path / 'paper.pdf'} is not a .docx name" in built.stderr
    assert "name it paper.docx (--pdf writes the PDF beside it)" in built.stderr
    assert not (tmp_path / "paper.pdf").exists()
    assert cli("--project", str(root), "assemble", "--no-layout", "-o", str(tmp_path / "PAPER.DOCX")).exit_code == 0
    config = root / "paper/paper.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^output: .*$", "output: build/paper.odt", text), encoding="utf-8")
    line = next(n for n, row in enumerate(config.read_text(encoding="utf-8").splitlines(), 1)
                if row.startswith("output:"))
    checked = cli("--project", str(root), "validate")
    assert checked.exit_code == 1
    assert f"paper/paper.yaml:{line}:1: error COE006 output: 'build/paper.odt' is not a .docx name" in checked.stderr


@pytest.mark.parametrize("name", ["Makefile", ".gitignore", "LICENSE"])
def test_an_output_named_with_no_suffix_is_refused_and_the_file_kept(make_project: MakeProject, name: str) -> None:
    """`-o Makefile`, or paper.yaml's `output: .gitignore`, wrote the document over a file of the project that is not
    one of the paper's own: a name without .docx is COE006 as another suffix is."""
    root = make_project(git=True)
    (root / name).write_text("keep me\n", encoding="utf-8")
    built = cli("--project", str(root), "assemble", "--no-layout", "-o", str(root / name))
    assert built.exit_code == 1 and "is not a .docx name" in built.stderr and f"name it {name}.docx" in built.stderr
    assert (root / name).read_text(encoding="utf-8") == "keep me\n"
    config = root / "paper/paper.yaml"
    config.write_text(re.sub(r"(?m)^output: .*$", f"output: {name}", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    assert cli("--project", str(root), "assemble", "--no-layout").exit_code == 1
    assert (root / name).read_text(encoding="utf-8") == "keep me\n"


@pytest.mark.parametrize(("given", "example"), [("''", "./paper.docx"), ("build/", "build/paper.docx"),
                                               ("build", "build/paper.docx"), (".", "./paper.docx")])
def test_output_in_paper_yaml_naming_a_folder_is_an_error_in_validate(make_project: MakeProject, given: str,
                                                                      example: str) -> None:
    """paper.yaml's `output:` naming a folder (empty, `build/`, or a folder that is there) passed validate, so CI's
    Validate step was green, and assemble then failed with "it is a folder" on the folder's path rather than on
    paper.yaml's line. Validate now says so at the line; assemble stops there and writes nothing."""
    root = make_project(git=True)
    (root / "build").mkdir()
    config = root / "paper/paper.yaml"
    config.write_text(re.sub(r"(?m)^output: .*$", f"output: {given}", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    line = next(n for n, row in enumerate(config.read_text(encoding="utf-8").splitlines(), 1)
                if row.startswith("output:"))
    shown = given.strip("'")
    expected = f"paper/paper.yaml:{line}:1: error COE006 output: '{shown}' names a folder"
    checked = cli("--project", str(root), "validate")
    assert checked.exit_code == 1 and expected in checked.stderr, checked.stderr
    assert f"hint: name the file to write, e.g. {example}" in checked.stderr
    built = cli("--project", str(root), "assemble", "--no-layout")
    assert built.exit_code == 1 and expected in built.stderr and "it is a folder" not in built.stderr
    assert not list((root / "build").iterdir())


@pytest.mark.parametrize(("given", "example"), [("", "./paper.docx"), ("folder", "folder/paper.docx"),
                                               ("new/", "new/paper.docx"), ("new/.", "new/paper.docx"),
                                               ("folder/..", "./paper.docx")])
def test_output_onto_a_folder_says_so(make_project: MakeProject, tmp_path: Path, given: str, example: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`-o ''` (the current folder) said "Device or resource busy", `-o FOLDER` "Is a directory", and `-o new/`
    wrote a file named `new` (typer's Path drops the trailing '/'): each is a usage error that names the folder and
    a file to give instead, before anything is built or written."""
    root = make_project(git=True)
    (tmp_path / "folder").mkdir()
    monkeypatch.chdir(tmp_path)
    for command in (["assemble", "--no-layout"], ["assemble", "--compare", "HEAD"]):
        built = cli("--project", str(root), *command, "-o", given)
        assert built.exit_code == 2
        assert f"'{given}' names a folder: name the file to write, e.g. {example}" in built.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["folder", root.name])
        assert not list((tmp_path / "folder").iterdir()) and not (root / "build").exists()
    drafted = cli("--project", str(root), "import", str(tmp_path / "draft.docx"), "--id", "annex", "-o", given)
    assert drafted.exit_code == 2 and "names a folder: name the file to write, e.g. " in drafted.stderr
    assert drafted.stderr.rstrip().endswith("NN-id.md")


def test_output_onto_a_link_to_a_folder_says_so(make_project: MakeProject, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """`-o LINK`, LINK a symbolic link to a folder, replaced the link with the paper (or with the section, for
    import) once everything was built: it names a folder, as the folder itself does, and both are left alone."""
    root = make_project(git=True)
    (tmp_path / "folder").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "folder")
    monkeypatch.chdir(tmp_path)
    for command in (["assemble", "--no-layout"], ["import", str(tmp_path / "draft.docx"), "--id", "annex"]):
        result = cli("--project", str(root), *command, "-o", "link")
        assert result.exit_code == 2, result.output
        assert f"'link' names a folder (a link to {tmp_path / 'folder'}): name the file to write, e.g. link/" \
            in result.stderr
        assert (tmp_path / "link").is_symlink() and (tmp_path / "link").resolve() == tmp_path / "folder"
        assert not list((tmp_path / "folder").iterdir()) and not (root / "build").exists()


def test_the_schemas_folder_linked_out_of_the_project(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project(git=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "schemas").symlink_to(elsewhere)  # the default folder, committed as a link
    default = cli("--project", str(root), "schema")
    assert default.exit_code == 1
    assert "error COE005 the schemas' folder schemas leads outside the project" in default.stderr
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("victim", ["sections", "paper", "contributors.yaml"])
def test_schemas_among_the_papers_own_files_are_refused(make_project: MakeProject, victim: str) -> None:
    root = make_project(git=True)
    before = sorted(p.relative_to(root) for p in root.rglob("*") if ".git" not in p.parts)
    written = cli("--project", str(root), "schema", "-o", str(root / victim))
    assert written.exit_code == 1
    assert f"error COE007 -o {root / victim} would overwrite the paper's own files ({victim})" in written.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*") if ".git" not in p.parts) == before


@pytest.mark.parametrize("link", ["out/outlook.md", "sections/03-outlook.md", "paper/images"])
def test_import_writes_nothing_out_of_the_project_through_a_link(make_project: MakeProject, tmp_path: Path,
                                                                 link: str) -> None:
    """`-o` through a folder linked elsewhere, onto a section file committed as a link (dangling, to a file
    elsewhere), or a picture into `paper/images` linked elsewhere: the draft's section or pictures were written
    there."""
    draft = pandoc_draft(require_client("pandoc"), tmp_path, tiny_png())  # a draft with a picture
    root = make_project({"sections/03-outlook.md": None})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(root / link, ignore_errors=True)  # the project's own pictures folder
    (root / link).symlink_to(elsewhere if link != "sections/03-outlook.md" else elsewhere / "outlook.md")
    output = ["-o", str(root / link)] if link.endswith(".md") else []
    result = cli("--project", str(root), "import", str(draft), "--id", "outlook", "--lead", "rome", *output)
    assert result.exit_code == 2, result.output
    shown = f"-o {root / link}" if output else link
    if link == "out/outlook.md":  # a link to a folder is refused as a folder, before any work
        assert f"'{root / link}' names a folder (a link to {elsewhere}): name the file to write" in result.stderr
    else:
        assert f"coe-paper: {shown} leads outside the project through a symbolic link (to {elsewhere}" \
            in result.stderr
    assert list(elsewhere.iterdir()) == []
    assert not (root / "sections/03-outlook.md").is_file()


@pytest.mark.parametrize("link", ["sections", "paper", "paper/templates"])
def test_init_writes_nothing_out_of_its_folder_through_a_link(tmp_path: Path, link: str) -> None:
    """A folder (a clone, say) holding `sections` as a link to another folder: init wrote the first section there."""
    folder, elsewhere = tmp_path / "new-paper", tmp_path / "elsewhere"
    (folder / link).parent.mkdir(parents=True)
    elsewhere.mkdir()
    (folder / link).symlink_to(elsewhere)
    result = cli("init", str(folder))
    assert result.exit_code == 2
    assert f"leads outside {folder} through a symbolic link (to {elsewhere}/" in result.stderr
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == sorted(
        {link, *(str(parent) for parent in Path(link).parents if str(parent) != ".")})  # nothing else written


def test_a_site_that_cannot_be_written_whole_leaves_the_one_before(make_project: MakeProject) -> None:
    """On a full disk (here the file size limit, smaller than the page) `preview` ended with 'cannot write to
    standard output' and `serve` stopped rebuilding: the site is now COE006 naming its folder, and the site built
    before stays as it was, with no temporary folder beside it."""
    import resource
    import subprocess
    import sys

    root = make_project(git=True)
    env = {**os.environ, "COE_PAPER_RESIDENT": "0"}
    run = [sys.executable, "-m", "coe_paper", "preview"]
    assert subprocess.run(run, cwd=root, env=env, capture_output=True, check=False).returncode == 0
    site = root / "build" / "site"
    before = {path.relative_to(site): path.read_bytes() for path in site.rglob("*") if path.is_file()}
    with (root / "sections/03-outlook.md").open("a", encoding="utf-8") as section:
        section.write("\nA sentence added since the site was built.\n")

    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4000, resource.RLIM_INFINITY))  # the page is larger

    failed = subprocess.run(run, cwd=root, env=env, capture_output=True, text=True, check=False,
                            preexec_fn=capped)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr
    assert f"{site}: error COE006 cannot write the site: File too large" in failed.stderr
    assert {path.relative_to(site): path.read_bytes() for path in site.rglob("*") if path.is_file()} == before
    assert sorted(path.name for path in (root / "build").iterdir()) == ["site"]


def test_a_review_that_cannot_be_written_whole_changes_no_section(make_project: MakeProject, tmp_path: Path) -> None:
    """`apply` on a full disk (here the file size limit, between the sizes of the two sections the review changes)
    wrote the one section that fit and not the other, and said 'cannot write the sources: [Errno 27] File too
    large', naming neither: now no section changes and the message names the file that could not be written."""
    import resource
    import subprocess
    import sys

    from conftest import HOUSING_BODY, PAPER_YAML, section_text
    from reviewkit import tracked

    longer = HOUSING_BODY + "".join(f"\nMembers added paragraph {n} on homes for all people in cities.\n"
                                    for n in range(40))
    housing = section_text("housing", longer, title="Housing", lead="anct", contributors="[rome, dg-regio]")
    root = make_project({"paper/paper.yaml": PAPER_YAML.replace("max_words: 200", "max_words: 2000"),
                         "sections/02-housing.md": housing}, git=True)
    assert cli("--project", str(root), "assemble", "--no-layout", "-o", str(tmp_path / "paper.docx")).exit_code == 0
    tracked(tmp_path / "paper.docx", tmp_path / "reviewed.docx", [("Cities of ", "Equality", "Fairness", "Ana Rossi"),
            ("Affordable and ", "accessible", "reachable", "Ana Rossi")])
    before = {path.name: path.read_bytes() for path in (root / "sections").iterdir()}
    assert len(before["01-intro.md"]) < 2000 < len(before["02-housing.md"])

    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, resource.RLIM_INFINITY))

    env = {**os.environ, "COE_PAPER_RESIDENT": "0"}
    run = subprocess.run([sys.executable, "-m", "coe_paper", "apply", str(tmp_path / "reviewed.docx")], cwd=root,
                         env=env, capture_output=True, text=True, check=False, preexec_fn=capped)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert "coe-paper: cannot write sections/02-housing.md: File too large" in run.stderr
    assert {path.name: path.read_bytes() for path in (root / "sections").iterdir()} == before
    applied = subprocess.run([sys.executable, "-m", "coe_paper", "apply", str(tmp_path / "reviewed.docx")], cwd=root,
                             env=env, capture_output=True, text=True, check=False)
    assert applied.returncode == 0, applied.stderr
    assert "Cities of Fairness" in (root / "sections/01-intro.md").read_text(encoding="utf-8")
    assert "Affordable and reachable" in (root / "sections/02-housing.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["link", "file"])
def test_a_link_or_file_where_the_site_s_old_folder_goes_is_taken_away(make_project: MakeProject, tmp_path: Path,
                                                                         kind: str) -> None:
    """The site before is moved aside to `.site-old` while the new one takes its place: a link or a file of that
    name (committed in build/, or left by another program) made every preview after the first fail with 'Not a
    directory'. It is removed (a link, never what it leads to) and the site is written."""
    root = make_project(git=True)
    assert cli("--project", str(root), "preview").exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not the preview's\n", encoding="utf-8")
    old = root / "build/.site-old"
    if kind == "link":
        old.symlink_to(elsewhere, target_is_directory=True)
    else:
        old.write_text("a file\n", encoding="utf-8")
    result = cli("--project", str(root), "preview")
    assert result.exit_code == 0, result.stderr
    assert (root / "build/site/index.html").is_file() and not os.path.lexists(old)
    assert [path.name for path in elsewhere.iterdir()] == ["keep.txt"]
