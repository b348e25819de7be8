"""The whole of `coe-paper apply`: which reviewers' changes to take, the sources as built, today's files, the
new texts, atomic writes and one git commit per reviewer, authored by the reviewer so that attribution credits
their organisation.

Word's author names map to organisations through `people:` in contributors.yaml (case and accents ignored) or
`--author "Name=org"`; a reviewer with no organisation is committed under the running user's identity, named in
the message."""

from __future__ import annotations

import difflib
import errno
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import gitrun, marks, merge3, wordread
from .apply import FileResult, Outcome, Plan, section_plan
from .apply_sections import ApplyError, authors, changed, section_table, split_sections
from .diagnostics import Diagnostic, shown, to_json
from .edits import Finding
from .identities import fold
from .markdown import parse
from .marks import built_text
from .model import Contributor, ContributorsFile
from .project import load_yaml_file, section_paths, split_front_matter
from .revision import text_at
from .safepaths import resolved, write_all_atomic
from .sources import WorkTree, normalise
from .structure import footnote_references
from .wordblocks import WordDocument

if TYPE_CHECKING:
    from markdown_it.token import Token


@dataclass
class Reviewer:
    name: str
    org: Contributor | None = None
    email: str = ""


@dataclass
class Options:
    only: list[str] = field(default_factory=list)
    author_map: dict[str, str] = field(default_factory=dict)  # Word author name -> organisation id
    untracked: bool = False


def reviewers(names: list[str], orgs: list[Contributor], author_map: dict[str, str]) -> list[Reviewer]:
    """Each author with the organisation and e-mail that commits under their name should carry."""
    mapped = {fold(k): v for k, v in author_map.items()}
    out = []
    for name in names:
        reviewer = Reviewer(name)
        if orgs:
            org_id = mapped.get(fold(name))
            for org in orgs:
                for person in org.people:
                    if fold(person.name) == fold(name) and org_id in (None, org.id):
                        reviewer.org, reviewer.email = org, person.email
            if reviewer.org is None and org_id is not None:
                reviewer.org = next((org for org in orgs if org.id == org_id), None)
            if reviewer.org is not None and not reviewer.email:
                org = reviewer.org
                local = "".join(c for c in fold(name).replace(" ", ".") if c.isalnum() or c == ".") or "reviewer"
                reviewer.email = org.emails[0] if org.emails else f"{local}@{org.domains[0]}" if org.domains else ""
        out.append(reviewer)
    return out


def _selected(reviewer: Reviewer, only: list[str]) -> bool:
    if not only:
        return True
    wanted = {fold(x) for x in only}
    return fold(reviewer.name) in wanted or (reviewer.org is not None and fold(reviewer.org.id) in wanted)


def selection_problem(only: list[str], doc: WordDocument, orgs: list[Contributor], file: str) -> str | None:
    """What is wrong with `--only`: values that are neither a reviewer of the document nor an organisation's id."""
    names = authors(doc)
    known = {fold(name) for name in names} | {fold(org.id) for org in orgs}
    unknown = [value for value in only if fold(value) not in known]
    if not unknown:
        return None
    return (f"--only {', '.join(repr(x) for x in unknown)}: no reviewer of {file} and no organisation in "
            f"contributors.yaml; its reviewers are {', '.join(names) or 'none'}")


def _read(root: Path, path: str) -> str | None:
    target = resolved(root / path)
    if target is None:  # a link loop: a file that cannot be read
        return None
    if not target.is_relative_to(root.resolve()):
        raise ApplyError(f"{path}: the section map names a file outside the project; refusing to touch it")
    try:
        return target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def plan(root: Path, doc: WordDocument, orgs: list[Contributor], options: Options,
         accepted_names: set[str] | None = None) -> Plan:
    """The new text of every section file the review touches (nothing is written)."""
    table, commit = section_table(doc)
    names = authors(doc)
    people = reviewers(names, orgs, options.author_map)
    take = {r.name for r in people if _selected(r, options.only)}
    if accepted_names is not None:
        take &= accepted_names
    accepted: Callable[[str], bool] = take.__contains__
    result = Plan(commit, authors=names, unmapped=[r.name for r in people if r.org is None and r.name in take],
                  no_email=[r.name for r in people if r.org is not None and not r.email and r.name in take])
    sections, outside = split_sections(doc, table)
    if table and not any(section.body for section in sections):
        raise ApplyError(f"{doc.docx.name}: the hidden bookmarks that tie the document's text to the section "
                         "files are gone (a tool dropped them when it saved the file), so its changes cannot be "
                         "placed; `coe-paper comments` lists them by section")
    then = text_at(root, commit)
    digests = marks.built_digests(doc.properties)
    for para in outside:
        if changed([para]):
            author = para.mark.author if para.mark else next((r.rev.author for r in para.runs if r.rev), "")
            result.outside.append(Outcome("skipped", author, "", 0, f"a change outside the sections: "
                                          f"“{para.text()[:60]}” (title page, contents or annex, or text that "
                                          "lost its hidden bookmark)"))
    moved: dict[str, str] | None = None
    for section in sections:
        raw, path = section.path, normalise(section.path)
        built_path = path
        current = _read(root, path)
        if current is None:  # renamed since the build (sections renumbered): the file of the same id today
            moved = section_paths(root) if moved is None else moved
            path = moved.get(section.id, path)
            current = _read(root, path) if path != built_path else None
        if current is None:
            who = [name for name in authors(doc, section) if accepted(name)]
            if who:  # a section the review did not touch may have gone since
                result.findings.append((path, Finding("skipped", 0, who[0], "the section file is missing or "
                                                      "unreadable" + (f"; changes by {', '.join(who)}" if
                                                                      len(who) > 1 else ""))))
            continue
        built = built_text(digests.get(raw, ""), then(built_path), current)  # None: not known
        base = built if built is not None else then(built_path) or current
        section = replace(section, path=path)
        after, outcomes, findings = section_plan(doc, section, base, current, accepted, options.untracked)
        if (raw not in digests or built is None) and base != current and after == current and not any(
                o.status == "conflict" for o in outcomes):  # a guess, where the document does not say
            probe, _, _ = section_plan(doc, section, current, current, accepted, options.untracked)
            if probe != current:  # the work tree, not the commit, was built (uncommitted changes)
                after, outcomes, findings = section_plan(doc, section, current, current, accepted, options.untracked)
        after, removed = orphaned_notes(current, after)
        result.outcomes += outcomes
        result.findings += [(path, f) for f in [*findings, *removed]]
        if after != current:
            result.files.append(FileResult(path, current, after))
    return result


def orphaned_notes(before: str, after: str) -> tuple[str, list[Finding]]:
    """`after` without the definitions of the footnotes whose last reference it no longer has (Word deletes a
    footnote with its reference, and the paper leaves out a definition nothing refers to: COE604), each with a
    finding at its line in `before`. A definition's lines are where `before` (which refers to it) has them; it is
    removed where `after` holds the same lines."""
    if after == before or "[^" not in after:  # most sections: nothing to parse
        return after, []
    old, new = split_front_matter(before), split_front_matter(after)
    if old is None or new is None:
        return after, []
    tokens = parse(old[1])
    gone = _referred(tokens) - _referred(parse(new[1]))
    spans: dict[str, tuple[int, int]] = {}  # label -> body lines [start, end) of its definition in `before`
    label: str | None = None
    for token in tokens if gone else ():
        if token.type == "footnote_open":
            label = str(token.meta.get("label"))
            label = label if label in gone else None
        elif token.type == "footnote_close":
            label = None
        elif label is not None and token.map:
            start, end = spans.get(label, token.map)
            spans[label] = (min(start, token.map[0]), max(end, token.map[1]))
    old_lines, lines, found = before.split("\n"), after.split("\n"), []
    for label, (start, end) in spans.items():
        block = old_lines[old[2] + start : old[2] + end]
        first = next((i for i in range(new[2], len(lines)) if lines[i : i + len(block)] == block), None)
        if first is None or not block[0].startswith(f"[^{label}]:"):
            continue  # the definition changed too: left as the review made it
        last = first + len(block)
        if last < len(lines) and not lines[last].strip() and (first == 0 or not lines[first - 1].strip()):
            last += 1  # the blank line after it too: no two blank lines are left
        del lines[first:last]
        found.append(Finding("removed", old[2] + start + 1, "", f"footnote [^{label}]: the review deleted its "
                             "reference, and Word deletes the footnote with it"))
    return "\n".join(lines), found


def _referred(tokens: list[Token]) -> set[str]:
    """The labels of the footnotes a body refers to, from its text or from another footnote."""
    text, inner = footnote_references(tokens)
    return text | {label for _, label in inner}


def diff(files: list[FileResult]) -> str:
    out: list[str] = []
    for item in files:
        out += difflib.unified_diff(merge3.lines(item.before, keepends=True), merge3.lines(item.after, keepends=True),
                                    f"a/{item.path}", f"b/{item.path}")
    return "".join(out)


def write(root: Path, files: list[FileResult]) -> None:
    """Write each changed section where it resolves (a link inside the project stays a link, as `validate --fix`
    keeps it), never outside the project; all of them or, when one cannot be written (a full disk), none."""
    write_all_atomic([(root / _where(root, item.path), item.after.encode("utf-8")) for item in files])


def _where(root: Path, path: str) -> str:
    """Where section `path` resolves, relative to `root`: the file a link inside the project leads to."""
    target = resolved(root / path)
    if target is None:
        raise OSError(errno.ELOOP, "a symbolic link loop", path)
    if not target.is_relative_to(root.resolve()):
        raise OSError(errno.EXDEV, "it leads outside the project through a symbolic link", path)
    return target.relative_to(root.resolve()).as_posix()


def read_document(path: Path) -> WordDocument:
    return wordread.read(path)


def commit_message(reviewer: Reviewer, outcomes: list[Outcome], reviewed: str) -> str:
    """The message of a reviewer's commit; the reviewer's name (a Word author's, whatever it holds) on one line, its
    control characters escaped (a U+202E reversed the rest of the line in `git log`), '(no name)' for none."""
    org = f" ({reviewer.org.label})" if reviewer.org else ""
    name = " ".join(shown(reviewer.name).split()) or "(no name)"
    lines = [f"Apply review by {name}{org} from {reviewed}", ""]
    lines += [f"- {o.path}:{o.line}: {o.summary}" for o in outcomes if o.status in ("applied", "merged")][:200]
    if reviewer.org is None and reviewer.name != "untracked":
        lines += ["", f"Reviewer: {name} (no organisation in contributors.yaml)"]
    elif reviewer.org is not None and not reviewer.email:
        lines += ["", f"Reviewer: {name} (no e-mail in contributors.yaml)"]
    return "\n".join(lines) + "\n"


def git_commit(root: Path, paths: list[str], message: str, reviewer: Reviewer) -> str | None:
    """Commit just these paths, authored by the reviewer when they map to an organisation; an error or None."""
    args = ["commit", "-q", "-m", message]
    if reviewer.org is not None and reviewer.email:
        args.append(f"--author={reviewer.name} <{reviewer.email}>")
    try:
        added = gitrun.run(root, "add", "--", *paths, timed=False)
        proc = gitrun.run(root, *args, "--", *paths, timed=False) if added.returncode == 0 else added
    except OSError as exc:
        return f"git could not commit: {exc}"
    said = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()
    return None if proc.returncode == 0 else f"git could not commit: {said}"


def tally(result: Plan) -> dict[str, dict[str, int]]:
    """Per reviewer: how many changes were applied, merged, in conflict, skipped, and found in the sources already."""
    counts: dict[str, dict[str, int]] = {}
    statuses = ("applied", "merged", "conflict", "skipped", "already")
    for outcome in result.outcomes + result.outside:
        row = counts.setdefault(outcome.author or "(unknown)", dict.fromkeys(statuses, 0))
        row[outcome.status] = row.get(outcome.status, 0) + 1
    for _, finding in result.findings:
        if finding.kind == "skipped":
            counts.setdefault(finding.author or "(unknown)", dict.fromkeys(statuses, 0))["skipped"] += 1
    return counts


def report_lines(result: Plan) -> list[str]:
    """Compiler-like lines for what was not simply applied: conflicts, skipped changes, untracked edits."""
    lines = []
    for outcome in result.outcomes + result.outside:
        if outcome.status in ("conflict", "skipped"):
            where = f"{outcome.path}:{outcome.line}" if outcome.path else "(outside the sections)"
            lines.append(f"{where}: {outcome.status}: {outcome.summary} (by {outcome.author})")
    for path, finding in result.findings:
        by = f" (by {finding.author})" if finding.author else ""
        where = f"{path}:{finding.line}" if finding.line else path  # 0: the file as a whole
        lines.append(f"{where}: {finding.kind}: {finding.message}{by}")
    return lines


def unreached_links(root: Path, files: Sequence[FileResult] = ()) -> dict[tuple[str, str], Diagnostic]:
    """The links of the project at `root` that reach no section or heading (COE601), by file and message, with
    `files` as the review leaves them (nothing is written): read without and with them, those found only with
    them are links whose heading the review changed."""
    from .pipeline import load
    from .planned import Planned

    found = load(root, files=Planned(root, {_where(root, f.path): f.after for f in files}) if files else None)
    return {(d.path, d.message): d for d in found.diagnostics if d.code == "COE601"}


def as_json(result: Plan, written: bool, unreached: Sequence[Diagnostic] = (),
            comments: Sequence[dict[str, object]] = ()) -> str:
    """apply's report for programs; `comments`: the review's comments, which are not applied, as `coe-paper
    comments --format json` lists them."""
    return to_json({
        "commit": result.commit, "written": written, "reviewers": tally(result), "unmapped": result.unmapped,
        "no_email": result.no_email,
        "changes": [o.__dict__ for o in result.outcomes + result.outside],
        "findings": [{"path": p, **f.__dict__} for p, f in result.findings],
        "files": [f.path for f in result.files],
        "unreached_links": [d.as_dict() for d in unreached],
        "comments": list(comments),
    })


def _dirty(root: Path, paths: list[str]) -> list[str]:
    found = gitrun.output(root, "status", "--porcelain", "--", *paths) or b""
    return [line[3:] for line in found.decode("utf-8", "replace").splitlines()]


def commit_each(root: Path, doc: WordDocument, orgs: list[Contributor], options: Options,
                reviewed: str) -> str | None:
    """Apply and commit reviewer by reviewer (untracked edits first, under the running user); an error or None."""
    first = plan(root, doc, orgs, options)
    if not first.files:
        return None
    refused = gitrun.commit_problem(root)
    if refused:
        return f"--commit: {refused}"
    dirty = _dirty(root, [_where(root, f.path) for f in first.files])
    if dirty:
        return (f"--commit needs the section files committed first; uncommitted changes in {', '.join(dirty)} "
                "would be credited to a reviewer")
    people = [r for r in reviewers(authors(doc), orgs, options.author_map) if _selected(r, options.only)]
    steps: list[tuple[Reviewer, set[str]]] = []
    if options.untracked:
        steps.append((Reviewer("untracked"), set()))
    taken: set[str] = set()
    for person in people:
        taken = taken | {person.name}
        steps.append((person, set(taken)))
    # Every step planned against the sources as they are now, before any is written: a step takes its reviewer's
    # changes with those of the steps before it, so that each commit adds one reviewer's. Planned against the files
    # the commits before it left, a change to a line an earlier reviewer changed met that change as a conflict.
    written: dict[str, str] = {item.path: item.before for item in first.files}
    final = {item.path: item.after for item in first.files}
    for person, step in [(person, plan(root, doc, orgs, options, names)) for person, names in steps]:
        kept = [replace(item, after=_on_the_way(item.before, item.after, final.get(item.path, item.before)))
                for item in step.files]
        files = [item for item in kept if written.get(item.path, item.before) != item.after]
        if not files:  # nothing of this reviewer's could be applied
            continue
        write(root, files)
        written.update((item.path, item.after) for item in files)
        mine = [o for o in step.outcomes if o.author == person.name]
        problem = git_commit(root, [_where(root, f.path) for f in files], commit_message(person, mine, reviewed),
                             person)
        if problem:
            return problem
    return None


def _on_the_way(before: str, after: str, final: str) -> str:
    """`after` (a step of `commit_each`: the changes of the reviewers taken so far) without the changes to lines of
    `before` that the whole review leaves as they are (`final`): taken with later reviewers' changes, a paragraph
    may be skipped whole, and a commit that wrote a change the next one took back credited both wrongly."""
    def spans(hunk: merge3.Hunk) -> range:  # the base lines a hunk changes; an insertion, the line it goes before
        return range(hunk.start, max(hunk.end, hunk.start + 1))

    base = merge3.lines(before, keepends=True)
    touched = {line for hunk in merge3.hunks(base, merge3.lines(final, keepends=True)) for line in spans(hunk)}
    out: list[str] = []
    pos = 0
    for hunk in merge3.hunks(base, merge3.lines(after, keepends=True)):
        out += base[pos : hunk.start]
        out += hunk.lines if touched.intersection(spans(hunk)) else base[hunk.start : hunk.end]
        pos = hunk.end
    return "".join(out + base[pos:])


def organisations(root: Path) -> list[Contributor]:
    """The member organisations of contributors.yaml (none when it cannot be read: reviewers stay unmapped)."""
    found: list[Diagnostic] = []
    contributors, _ = load_yaml_file(WorkTree(root), "contributors.yaml", ContributorsFile, found)
    return contributors.organisations if contributors is not None else []
