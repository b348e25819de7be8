"""The `coe-paper` commands that read Word files: `comments` and `apply` (a reviewer's .docx back to the sources),
`import` (a member's draft to a section file) and `audit` (accessibility of any .docx). Registered on the app of
cli.py, whose helpers they share."""


import os
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .cli import State, _report, _root, app, err, fail, out
from .cli_options import check_file_name, check_format, check_table_format
from .diagnostics import count, format_diagnostics, has_errors, shown, summary

if TYPE_CHECKING:
    from .model import Contributor


# -- comments (reviewed .docx back to the sources; read by review.py, printed by review_format.py) -------------------


def _given_file(path: Path, fmt: str) -> None:
    """The file a command was given must be one: a usage error (exit 2) names what is there instead (as a COE003
    error on stdout too, in a format for programs)."""
    if not path.is_file():
        found = "is a folder, not a file" if path.is_dir() else "is not a file" if path.exists() else "no such file"
        fail(f"{path}: {found}", fmt, path.name, code=2)


def _check_review_format(fmt: str) -> str:
    if fmt not in ("text", "json", "markdown"):
        raise typer.BadParameter("choose text, json or markdown")
    return fmt


@app.command(short_help="List a reviewed .docx's comments and tracked changes.")
def comments(
    reviewed: Annotated[Path, typer.Argument(metavar="REVIEWED.docx", help="A reviewer's .docx file.")],
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", callback=_check_review_format,
                                     help="text, json, or markdown (a review sheet by section).")] = "text",
) -> None:
    """List a reviewed document's comments and tracked changes, each with its section file and line."""
    from . import review, review_format
    from .follow import review_today
    from .project import find_root
    from .safedocx import DocxError


    _given_file(reviewed, fmt)
    project = review.current_project(State.project or Path.cwd())
    try:
        found = review_today(reviewed, project, find_root(State.project or Path.cwd()) if project else None)
    except DocxError as exc:
        fail(str(exc), fmt, reviewed.name)
    if fmt == "json":
        print(review_format.as_json(found))
    elif fmt == "markdown":
        print(review_format.review_sheet(found, project), end="")
    else:
        text = review_format.format_text(found)
        if text:
            print(text)
        replies = sum(len(c.replies) for c in found.comments)
        err.print(f"{count(len(found.comments), 'comment')}, {count(replies, 'reply', 'replies')}, "
                  f"{count(len(found.changes), 'tracked change')} (mapped by {found.mapping})", markup=False)


# -- apply (reviewers' tracked changes back into the sources; writeback.py) ------------------------------------------


def _author_map(values: list[str], orgs: "list[Contributor]", fmt: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value in values:
        name, sep, org = value.rpartition("=")
        if not sep or not name.strip() or not org.strip():
            fail(f"--author takes \"Name=organisation\", not {value!r}", fmt, code=2)
        if orgs and org.strip() not in {o.id for o in orgs}:
            fail(f"--author {value!r}: no organisation '{org.strip()}' in contributors.yaml", fmt, code=2)
        mapping[name.strip()] = org.strip()
    return mapping


@app.command("apply", short_help="Write a reviewed .docx's tracked changes into the sections.")
def apply_review(
    reviewed: Annotated[Path, typer.Argument(metavar="REVIEWED.docx", help="A reviewed copy of an assembled .docx.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the changes as a diff; write nothing.")] = False,
    commit: Annotated[bool, typer.Option("--commit", help="One git commit per reviewer, authored by them.")] = False,
    only: Annotated[str | None, typer.Option("--only", metavar="NAME|ORG,...",
                                             help="Apply only these reviewers' changes.")] = None,
    author: Annotated[list[str] | None, typer.Option("--author", metavar="NAME=ORG",
                                                     help="Map a Word author name to an organisation.")] = None,
    untracked: Annotated[bool, typer.Option("--untracked", help="Also apply edits made without Track Changes.")]
    = False,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", callback=check_table_format,
                                     help="text or json.")] = "text",
) -> None:
    """Write a reviewer's tracked changes into the section files, at the lines they came from."""
    from . import review_format, writeback
    from .apply_sections import ApplyError
    from .follow import as_written, review_today
    from .review import current_project
    from .safedocx import DocxError


    _given_file(reviewed, fmt)
    if commit and dry_run:
        fail("--commit and --dry-run cannot be used together", fmt, code=2)
    selected = [x.strip() for x in (only or "").split(",") if x.strip()]
    if only is not None and not selected:  # `--only "$NAMES"` with nothing in it: not every reviewer's changes
        fail(f"--only {only!r} names no reviewer or organisation: give their names, comma-separated (without "
             "--only, every reviewer's changes are applied)", fmt, code=2)
    root = _root(fmt)
    orgs = writeback.organisations(root)
    options = writeback.Options(selected, _author_map(author or [], orgs, fmt), untracked)
    quiet = fmt == "json" or not err.is_terminal
    try:
        with nullcontext() if quiet else err.status("Reading the review and applying its changes…"):
            doc = writeback.read_document(reviewed)
            try:
                problem = writeback.selection_problem(options.only, doc, orgs, reviewed.name)
                if problem:
                    fail(problem, fmt, reviewed.name, code=2)
                result = writeback.plan(root, doc, orgs, options)
                # the comments, not applied, each at its line of the files as they are now (as `comments` lists
                # them), then of the files as apply leaves them
                left = replace(review_today(reviewed, current_project(root), root), changes=[]) \
                    if doc.comments else None
                before = writeback.unreached_links(root) if result.files else {}
                unreached = [found for key, found in writeback.unreached_links(root, result.files).items()
                             if key not in before] if result.files else []
                if commit:
                    problem = writeback.commit_each(root, doc, orgs, options, reviewed.name)
                    if problem:
                        fail(problem, fmt, rule="COE006")
                elif not dry_run:
                    writeback.write(root, result.files)
            finally:
                doc.docx.close()
            if left is not None and not dry_run:
                left = as_written(left, [(f.path, f.before, f.after) for f in result.files])
    except (DocxError, ApplyError) as exc:
        fail(str(exc), fmt, reviewed.name)
    except OSError as exc:
        where = os.path.relpath(exc.filename, root) if isinstance(exc.filename, str) else "."
        fail(f"cannot write {'the sources' if where == '.' else where}: {exc.strerror or exc}", fmt, where,
             rule="COE006")
    if fmt == "json":
        print(writeback.as_json(result, not dry_run, unreached, review_format.comment_objects(left) if left else []))
    else:
        if dry_run:
            print(writeback.diff(result.files), end="")
        for line in writeback.report_lines(result):  # reviewers' names and text: control characters as escapes
            err.print(shown(line), markup=False)
        for name in result.unmapped:
            err.print(shown(f"warning: reviewer '{name}' maps to no organisation: add them under `people:` in "
                            f"contributors.yaml or name one with --author \"{name}=ORG\"" + (
                                "; their changes are committed under your identity" if commit else "")),
                      markup=False)
        for name in result.no_email if commit else ():
            err.print(shown(f"warning: reviewer '{name}' has no e-mail in contributors.yaml (under `people:`, or "
                            "the organisation's emails or domains): their changes are committed under your "
                            "identity"), markup=False)
        for name, row in writeback.tally(result).items():
            already = f", {row['already']} in the sources already" if row["already"] else ""
            err.print(shown(f"{name}: {row['applied']} applied, {row['merged']} merged, {row['conflict']} in "
                            f"conflict, {row['skipped']} skipped{already}"), markup=False)
        for found in unreached:  # a heading renamed, a figure or table deleted by the review, which a link names
            err.print(shown(f"warning: {found.path}:{found.line}:{found.column or 1}: {found.message} (COE601): the "
                            "review changed or removed what it named (a heading, a figure, a table); change the "
                            "link, or put that back"),
                      markup=False)
        if left is not None:
            for line in review_format.format_text(left).split("\n") if left.comments else ():
                err.print(shown(line), markup=False)
            many = len(left.comments)
            err.print(f"{count(many, 'comment')} {'is' if many == 1 else 'are'} not applied (`coe-paper comments "
                      f"{reviewed}` lists them with the tracked changes)", markup=False)
        verb = "would change" if dry_run else "committed" if commit else "changed"
        err.print(f"{verb} {count(len(result.files), 'section file')}", markup=False)
    stuck = any(o.status in ("conflict", "skipped") for o in result.outcomes + result.outside)
    raise typer.Exit(1 if stuck or any(f.kind == "skipped" for _, f in result.findings) else 0)


# -- import (a member's Word draft -> a section file; see importer.py and intake.py) ----------------------------------


@app.command("import", short_help="Turn a member's Word draft into a section file.")
def import_draft(
    draft: Annotated[Path, typer.Argument(metavar="DRAFT.docx", help="A member's Word draft.")],
    section_id: Annotated[str, typer.Option("--id", metavar="ID", help="The section's id (its place in the outline).")],
    title: Annotated[str | None, typer.Option("--title", metavar="TITLE",
                                              help="Default: the draft's Title or Heading 1.")] = None,
    lead: Annotated[str | None, typer.Option("--lead", metavar="ORG", help="Lead organisation id.")] = None,
    contributors: Annotated[str | None, typer.Option("--contributors", metavar="ORG,...",
                                                     help="Contributing organisation ids.")] = None,
    name: Annotated[str | None, typer.Option("--output", "-o", metavar="PATH", callback=check_file_name,
                                             help="Default: sections/NN-ID.md.")] = None,
    commit: Annotated[bool, typer.Option("--commit", help="Commit the section and its images as --author.")] = False,
    author: Annotated[str | None, typer.Option("--author", metavar="NAME=ORG",
                                               help="The member who wrote the draft.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", callback=check_table_format,
                                      help="text or json.")] = "text",
) -> None:
    """Turn a member's Word draft into a section file, then validate it."""
    from . import intake  # imported here: the other commands do not need the importer
    from .safedocx import DocxError

    _given_file(draft, fmt)
    orgs = [c.strip() for c in contributors.split(",") if c.strip()] if contributors is not None else None
    output = Path(name) if name is not None else None
    request = intake.Request(draft, section_id, title, lead, orgs, output, commit, author)
    try:
        result = intake.import_section(_root(fmt), request)
    except intake.IntakeError as exc:
        fail(str(exc), fmt, code=2)
    except DocxError as exc:
        fail(str(exc), fmt, draft.name)
    if fmt == "json":
        print(intake.as_json(result))
        raise typer.Exit(1 if has_errors(result.diagnostics) else 0)
    out.print(f"wrote {result.path}", markup=False)
    for image in result.images:
        out.print(f"wrote {image}", markup=False)
    if result.warnings:
        err.print(format_diagnostics(result.warnings, "text"), markup=False)
    if not result.validated:
        err.print(f"coe-paper: {result.path} is not in sections/, so validate does not see it", markup=False)
    else:
        if result.diagnostics:
            err.print(format_diagnostics(result.diagnostics, "text"), markup=False)
        err.print(f"validate {result.relative_path}: {summary(result.diagnostics)}", markup=False)
    if result.commit:
        out.print(f"committed {result.commit[:12]} as {author}", markup=False)
    raise typer.Exit(1 if has_errors(result.diagnostics) else 0)


@app.command(short_help="Accessibility checks for any Word document.")
def audit(
    document: Annotated[Path, typer.Argument(metavar="FILE.docx", help="Any Word document.")],
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", callback=check_format,
                                     help="text, json, github or gitlab.")]
    = "text",
) -> None:
    """Accessibility checks that apply to any .docx (title, language, alt text, header rows, headings, spacing)."""
    from .a11y import audit as run_audit

    _given_file(document, fmt)
    found = run_audit(document)  # a file it cannot read is a COE003 error among the diagnostics
    _report(found.diagnostics, fmt)
    raise typer.Exit(1 if has_errors(found.diagnostics) else 0)
