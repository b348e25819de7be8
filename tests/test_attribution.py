"""Attribution from git history, on real temporary repositories with fixed authors and dates.

The history built by `history_repo` (every number asserted below is worked out from it by hand):

    C1 2024-02-01 Rome Editor <rome@example.org>        adds intro (12 lines), housing (12), outlook (10), .mailmap
    C2 2024-02-02 Anne <anne@anct.example.org>          intro: rewrites body line 2, appends 2 lines (14 lines)
                  Co-authored-by: Lena <lena@leipzig.example.de>
    C3 2024-02-03 Anne <anne@anct.example.org>          git mv housing -> homes, rewrites body line 1
    C4 2024-02-04 Reggie <reggie@gmail.com> (branch)    homes: rewrites body line 3; .mailmap maps him to DG REGIO
    C5 2024-02-05 Unknown Writer <writer@unknown.example> outlook: appends 1 line (11 lines)
                  Co-authored-by: Ghost <ghost@nowhere.example>
    M  2024-02-06 Merge Bot <merge@nowhere.example>     merges the branch (--no-ff); merges are not counted
    C6 2024-02-07 Anne                                  edits paper.yaml only (no section changes)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from coe_paper import attribution, compose, historygit, pipeline, report
from coe_paper.attribution import History, IdentityMap, history_of, parse_mailmap, parse_person
from coe_paper.blamecache import CACHE_FILE
from coe_paper.cli import app
from coe_paper.model import Contributor, PaperConfig, Project
from coe_paper.store import CACHE_DIR
from conftest import PAPER_YAML, write_project

CONTRIBUTORS = """\
organisations:
  - id: rome
    name: Metropolitan City of Rome
    short: Rome
    kind: metropolitan-area
    country: IT
    role: coordinator
    emails: [rome@example.org]
  - id: anct
    name: National Agency for Territorial Cohesion
    short: ANCT
    kind: other
    country: FR
    role: coordinator
    domains: [anct.example.org]
  - id: leipzig
    name: City of Leipzig
    short: Leipzig
    kind: city
    country: DE
    domains: [leipzig.example.de]
  - id: dg-regio
    name: Directorate-General for Regional and Urban Policy
    short: DG REGIO
    kind: eu-institution
    country: EU
    emails: [regio@ec.example.eu]
"""

MAILMAP = "# personal addresses of members\nDG REGIO <regio@ec.example.eu> <reggie@gmail.com>\n"

ROME = {"GIT_AUTHOR_NAME": "Rome Editor", "GIT_AUTHOR_EMAIL": "rome@example.org"}
ANNE = {"GIT_AUTHOR_NAME": "Anne", "GIT_AUTHOR_EMAIL": "anne@anct.example.org"}
REGGIE = {"GIT_AUTHOR_NAME": "Reggie", "GIT_AUTHOR_EMAIL": "reggie@gmail.com"}
UNKNOWN = {"GIT_AUTHOR_NAME": "Unknown Writer", "GIT_AUTHOR_EMAIL": "writer@unknown.example"}
MERGER = {"GIT_AUTHOR_NAME": "Merge Bot", "GIT_AUTHOR_EMAIL": "merge@nowhere.example"}

INTRO, HOUSING, HOMES, OUTLOOK = "sections/01-intro.md", "sections/02-housing.md", "sections/02-homes.md", \
    "sections/03-outlook.md"


def section(id: str, title: str, lead: str, body: list[str]) -> str:
    """Front matter (7 lines) and a blank line, then one body line per item: 8 + len(body) lines."""
    front = f"---\nid: {id}\ntitle: {title}\nlead: {lead}\ncontributors: []\nstatus: draft\n---\n\n"
    return front + "".join(line + "\n" for line in body)


INTRO_BODY = ["## Why equal cities", "Cities of Equality brings members together.", "Urban policy for all.",
              "Everyone counts in every city of the Union."]
HOUSING_BODY = ["## Homes for all", "Affordable homes come first.", "Accessible homes come next.",
                "Members will share what works in their cities."]
OUTLOOK_BODY = ["## Next steps", "The partnership meets in Rome to write the next chapters together."]


class Repo:
    """A git repository with fixed identities and dates; no user or system git configuration is read."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
                    "GIT_COMMITTER_NAME": "Committer", "GIT_COMMITTER_EMAIL": "committer@example.org"}

    def git(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        proc = subprocess.run(["git", "-C", str(self.root), *args], env={**self.env, **(env or {})},
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    def write(self, path: str, text: str) -> None:
        (self.root / path).write_text(text, encoding="utf-8")

    def commit(self, who: Mapping[str, str], day: int, message: str) -> str:
        date = f"2024-02-{day:02d}T10:00:00+00:00"
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, env={**who, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})
        return self.git("rev-parse", "HEAD")


def build_history(root: Path) -> tuple[Repo, dict[str, str]]:
    write_project(root, {
        "contributors.yaml": CONTRIBUTORS, ".mailmap": MAILMAP,
        INTRO: section("intro", "Introduction", "rome", INTRO_BODY),
        HOUSING: section("housing", "Housing", "anct", HOUSING_BODY),
        OUTLOOK: section("outlook", "Outlook", "leipzig", OUTLOOK_BODY),
        "paper/paper.yaml": PAPER_YAML.replace("min_words: 10", "min_words: 1"),
    })
    repo = Repo(root)
    repo.git("init", "-q", "--initial-branch=main")
    commits = {"C1": repo.commit(ROME, 1, "Draft the paper")}
    body = [INTRO_BODY[0], "Cities of Equality brings cities, regions and services together.", *INTRO_BODY[2:],
            "Equality is a shared task.", "It starts in every neighbourhood."]
    repo.write(INTRO, section("intro", "Introduction", "rome", body))
    commits["C2"] = repo.commit(ANNE, 2, "Widen the introduction\n\nCo-authored-by: Lena <lena@leipzig.example.de>\n")
    repo.git("mv", HOUSING, HOMES)
    homes = [HOUSING_BODY[0], "Affordable homes come first, everywhere.", *HOUSING_BODY[2:]]
    repo.write(HOMES, section("housing", "Housing", "anct", homes))
    commits["C3"] = repo.commit(ANNE, 3, "Rename housing to homes")
    repo.git("switch", "-q", "-c", "regio")
    homes[2] = "Accessible homes come next, for persons with disabilities too."
    repo.write(HOMES, section("housing", "Housing", "anct", homes))
    commits["C4"] = repo.commit(REGGIE, 4, "Accessibility")
    repo.git("switch", "-q", "main")
    repo.write(OUTLOOK, section("outlook", "Outlook", "leipzig", [*OUTLOOK_BODY, "We meet again in June."]))
    commits["C5"] = repo.commit(UNKNOWN, 5, "Outlook\n\nCo-authored-by: Ghost <ghost@nowhere.example>\n")
    date = {"GIT_AUTHOR_DATE": "2024-02-06T10:00:00+00:00", "GIT_COMMITTER_DATE": "2024-02-06T10:00:00+00:00"}
    repo.git("merge", "-q", "--no-ff", "-m", "Merge regio", "regio", env={**MERGER, **date})
    commits["M"] = repo.git("rev-parse", "HEAD")
    repo.write("paper/paper.yaml", PAPER_YAML.replace("min_words: 10", "min_words: 2"))
    commits["C6"] = repo.commit(ANNE, 7, "Lower the minimum")
    return repo, commits


@pytest.fixture(scope="module")
def history_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, dict[str, str]]:
    return build_history(tmp_path_factory.mktemp("history") / "paper")


def attribute(root: Path, rev: str | None = None, use_cache: bool = False) -> tuple[pipeline.Loaded, History]:
    loaded = pipeline.load(root, rev)
    assert loaded.project is not None, loaded.diagnostics
    return loaded, history_of(loaded.project, root, rev, use_cache=use_cache)


def day(n: int) -> datetime:
    return datetime(2024, 2, n, 10, tzinfo=timezone.utc)


# -- identities ------------------------------------------------------------------------------------------------


def test_mailmap_forms_are_parsed_as_git_documents_them() -> None:
    entries = parse_mailmap(
        "# comment\n"
        "Proper Name <commit@one.example>\n"
        "<proper@two.example> <commit@two.example>\n"
        "Proper Three <proper@three.example> <Commit@Three.example>  # trailing comment\n"
        "Proper Four <proper@four.example> Commit Name <commit@four.example>\n"
        "not an entry\n"
    )
    assert {key: (value.name, value.email) for key, value in entries.items()} == {
        ("commit@one.example", None): ("Proper Name", None),
        ("commit@two.example", None): (None, "proper@two.example"),
        ("commit@three.example", None): ("Proper Three", "proper@three.example"),
        ("commit@four.example", "commit name"): ("Proper Four", "proper@four.example"),
    }


def project_with(*members: Contributor) -> Project:
    config = PaperConfig(title="T", outline=[{"id": "a"}])  # type: ignore[list-item]
    return Project(config=config, contributors=list(members))


def member(id: str, emails: list[str] = [], domains: list[str] = []) -> Contributor:  # noqa: B006
    return Contributor(id=id, name=id.title(), kind="city", country="IT", emails=emails, domains=domains)


def test_identity_map_prefers_exact_emails_then_domains_and_parent_domains(tmp_path: Path) -> None:
    project = project_with(
        member("rome", emails=["Urban@Roma.example"], domains=["roma.example"]),
        member("commission", domains=["ec.example.eu"]),
        member("jrc", emails=["jrc-urban@ec.example.eu"]),
    )
    mailmap = "JRC <jrc-urban@ec.example.eu> <maria@gmail.com>\nRenamed <x@roma.example> Old Name <old@gmail.com>\n"
    ids = IdentityMap.from_project(project, tmp_path, mailmap)
    assert ids.org_for("Anyone", "urban@roma.example") == "rome"
    assert ids.org_for("Anyone", "someone@sub.roma.example") == "rome"
    assert ids.org_for("Anyone", "JRC-URBAN@ec.example.eu") == "jrc"  # exact e-mail beats the shared domain
    assert ids.org_for("Anyone", "someone@ec.example.eu") == "commission"
    assert ids.org_for("Maria", "maria@gmail.com") == "jrc"  # through .mailmap
    assert ids.org_for("old name", "OLD@gmail.com") == "rome"  # name-specific entry, case-insensitive
    assert ids.org_for("Other Name", "old@gmail.com") is None  # the entry is for "Old Name" only
    assert ids.org_for("Someone", "someone@xroma.example") is None  # not a sub-domain
    assert ids.canonical("Maria", "maria@gmail.com").email == "jrc-urban@ec.example.eu"


def test_identity_map_reads_the_repositorys_mailmap_from_disk(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".mailmap").write_text("<rome@roma.example> <me@home.example>\n", encoding="utf-8")
    (tmp_path / "paper").mkdir()
    ids = IdentityMap.from_project(project_with(member("rome", emails=["rome@roma.example"])), tmp_path / "paper")
    assert ids.org_for("Me", "me@home.example") == "rome"


def test_co_author_trailers_are_parsed() -> None:
    assert str(parse_person("Lena Müller <lena@leipzig.example.de>")) == "Lena Müller <lena@leipzig.example.de>"
    assert parse_person("no e-mail here") is None


# -- history ---------------------------------------------------------------------------------------------------


def test_commits_follow_renames_count_co_authors_and_skip_merges(history_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, commits = history_repo
    _, history = attribute(repo.root)
    assert history.available and history.commit == commits["C6"]
    assert sorted(history.sections) == [INTRO, HOMES, OUTLOOK]
    intro, homes, outlook = history.sections[INTRO], history.sections[HOMES], history.sections[OUTLOOK]
    assert [c.commit for c in intro.changes] == [commits["C2"], commits["C1"]]
    assert intro.commits_by_org == {"anct": 1, "leipzig": 1, "rome": 1}
    assert sorted(c.commit for c in homes.changes) == sorted([commits["C1"], commits["C3"], commits["C4"]])
    assert homes.commits_by_org == {"anct": 1, "dg-regio": 1, "rome": 1}
    assert [c.commit for c in outlook.changes] == [commits["C5"], commits["C1"]]
    assert outlook.commits_by_org == {"rome": 1}


def test_line_shares_come_from_blame_through_renames_and_mailmap(history_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, _ = history_repo
    _, history = attribute(repo.root)
    intro, homes, outlook = history.sections[INTRO], history.sections[HOMES], history.sections[OUTLOOK]
    assert (intro.lines, intro.lines_by_org, intro.unmapped_lines) == (14, {"anct": 3, "rome": 11}, 0)
    assert (homes.lines, homes.lines_by_org, homes.unmapped_lines) == (12, {"anct": 1, "dg-regio": 1, "rome": 10}, 0)
    assert (outlook.lines, outlook.lines_by_org, outlook.unmapped_lines) == (11, {"rome": 10}, 1)
    assert intro.share("anct") == 3 / 14 and homes.share("dg-regio") == 1 / 12 and outlook.share("anct") == 0
    assert intro.orgs == ["rome", "anct", "leipzig"]  # most lines, then most commits, then id
    assert homes.orgs == ["rome", "anct", "dg-regio"]


def test_reformatting_or_moving_lines_does_not_take_them_from_their_writer(tmp_path: Path) -> None:
    """A commit that only changed whitespace (trailing spaces added by a formatter) took every line it touched from
    its writer: ANCT's rewritten line counted for the formatter, no member at all. A paragraph moved from one
    section to another counted for the organisation that moved it, not the one that wrote it."""
    moved = ["## Moved later", "This paragraph about shared services will move to the outlook."]
    write_project(tmp_path, {"contributors.yaml": CONTRIBUTORS, ".mailmap": MAILMAP,
                             INTRO: section("intro", "Introduction", "rome", [*INTRO_BODY, *moved]),
                             OUTLOOK: section("outlook", "Outlook", "leipzig", OUTLOOK_BODY)})
    repo = Repo(tmp_path)
    repo.git("init", "-q", "--initial-branch=main")
    repo.commit(ROME, 1, "Draft")
    body = [INTRO_BODY[0], "Cities of Equality brings cities, regions and services together.", *INTRO_BODY[2:]]
    repo.write(INTRO, section("intro", "Introduction", "rome", [*body, *moved]))
    repo.commit(ANNE, 2, "Widen the introduction")
    repo.write(INTRO, section("intro", "Introduction", "rome", [line + "  " for line in (*body, *moved)]))
    repo.commit(UNKNOWN, 3, "Reformat")
    repo.write(INTRO, section("intro", "Introduction", "rome", [line + "  " for line in body]))
    repo.write(OUTLOOK, section("outlook", "Outlook", "leipzig", [*OUTLOOK_BODY, *moved]))
    repo.commit(REGGIE, 4, "Move the paragraph on services to the outlook")
    _, history = attribute(repo.root)
    intro, outlook = history.sections[INTRO], history.sections[OUTLOOK]
    assert (intro.lines, intro.lines_by_org, intro.unmapped_lines) == (12, {"anct": 1, "rome": 11}, 0)
    assert (outlook.lines, outlook.lines_by_org) == (12, {"rome": 12})
    assert intro.commits_by_org == {"anct": 1, "dg-regio": 1, "rome": 1}  # every commit still counts


def test_a_branch_that_changed_a_file_under_its_old_name_counts_after_the_rename(tmp_path: Path) -> None:
    """Leipzig edits the housing section on a branch while ANCT renames its file on main; the merge keeps both.
    `git log --topo-order` lists Leipzig's commit (to the old name) before the rename, when the old name did not
    lead to the file yet: the commit was dropped, and Leipzig counted no commit to the section it had changed."""
    write_project(tmp_path, {"contributors.yaml": CONTRIBUTORS, HOUSING: section("housing", "Housing", "anct",
                                                                                  HOUSING_BODY)})
    repo = Repo(tmp_path)
    repo.git("init", "-q", "--initial-branch=main")
    first = repo.commit(ROME, 1, "Draft")
    repo.git("switch", "-q", "-c", "leipzig")
    edited = [*HOUSING_BODY[:3], "Members will share what works in their cities, towns and regions."]
    repo.write(HOUSING, section("housing", "Housing", "anct", edited))
    edit = repo.commit({"GIT_AUTHOR_NAME": "Lena", "GIT_AUTHOR_EMAIL": "lena@leipzig.example.de"}, 2, "Towns too")
    repo.git("switch", "-q", "main")
    repo.git("mv", HOUSING, HOMES)
    rename = repo.commit(ANNE, 3, "Rename housing to homes")
    date = {"GIT_AUTHOR_DATE": "2024-02-04T10:00:00+00:00", "GIT_COMMITTER_DATE": "2024-02-04T10:00:00+00:00"}
    repo.git("merge", "-q", "--no-ff", "-m", "Merge leipzig", "leipzig", env={**ROME, **date})
    _, history = attribute(repo.root)
    homes = history.sections[HOMES]
    assert sorted(c.commit for c in homes.changes) == sorted([first, edit, rename])
    assert homes.commits_by_org == {"anct": 1, "leipzig": 1, "rome": 1}
    assert homes.lines_by_org == {"leipzig": 1, "rome": 11}
    assert [c.commit for c in homes.changes][-1] == first  # newest first, as the log lists them


def test_last_change_has_date_org_and_mailmapped_author(history_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, commits = history_repo
    _, history = attribute(repo.root)
    last = {path: s.last_change for path, s in history.sections.items()}
    assert last[INTRO] is not None and (last[INTRO].commit, last[INTRO].date, last[INTRO].org) == (
        commits["C2"], day(2), "anct")
    assert last[HOMES] is not None and (last[HOMES].date, last[HOMES].org, str(last[HOMES].author)) == (
        day(4), "dg-regio", "DG REGIO <regio@ec.example.eu>")
    assert last[OUTLOOK] is not None and (last[OUTLOOK].date, last[OUTLOOK].org) == (day(5), None)


def test_unmapped_identities_are_a_warning_naming_them(history_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, _ = history_repo
    _, history = attribute(repo.root)
    assert [(d.code, d.severity, d.path, d.line) for d in history.diagnostics] == [("COE203", "warning", OUTLOOK, 1)]
    message = history.diagnostics[0].message
    assert "Ghost <ghost@nowhere.example>, Unknown Writer <writer@unknown.example>" in message
    assert "Merge Bot" not in message and "Reggie" not in message


def test_a_bot_listed_in_contributors_yaml_is_credited_to_nobody_without_a_warning(tmp_path: Path) -> None:
    """A tool that commits (a CI job's `validate --fix`, a formatter) maps to no member: its commits left a COE203
    warning on every section they touched for ever, so `validate --strict` failed in CI with no way out but to
    credit a member for the tool's work. `bots` in contributors.yaml names such identities: their commits and lines
    count for no organisation, and are not reported. An identity not listed is still reported."""
    bot = {"GIT_AUTHOR_NAME": "github-actions[bot]",
           "GIT_AUTHOR_EMAIL": "41898282+github-actions[bot]@users.noreply.github.com"}
    listed = CONTRIBUTORS + "bots:\n  - 41898282+GitHub-Actions[bot]@users.noreply.github.com\n"
    write_project(tmp_path, {"contributors.yaml": listed, INTRO: section("intro", "Introduction", "rome", INTRO_BODY)})
    repo = Repo(tmp_path)
    repo.git("init", "-q", "--initial-branch=main")
    repo.commit(ROME, 1, "Draft")
    repo.write(INTRO, section("intro", "Introduction", "rome", [*INTRO_BODY[:3], "Everyone counts, in every city."]))
    repo.commit(bot, 2, "Apply validate --fix")
    _, history = attribute(repo.root)
    intro = history.sections[INTRO]
    assert history.diagnostics == [] and intro.unmapped == set()
    assert (intro.lines, intro.lines_by_org, intro.unmapped_lines) == (12, {"rome": 11}, 1)
    assert intro.commits_by_org == {"rome": 1}
    assert CliRunner().invoke(app, ["--project", str(repo.root), "validate", "--strict"]).exit_code == 0
    repo.write(INTRO, section("intro", "Introduction", "rome", [*INTRO_BODY[:3], "Everyone counts, in all cities."]))
    repo.commit(UNKNOWN, 3, "Edit")
    _, history = attribute(repo.root)
    assert [d.code for d in history.diagnostics] == ["COE203"] and "[bot]" not in history.diagnostics[0].message


def test_validate_reports_unmapped_identities(history_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, _ = history_repo
    result = CliRunner().invoke(app, ["--project", str(repo.root), "validate", "--format", "json"])
    found = [(d["code"], d["path"]) for d in json.loads(result.stdout)]
    assert ("COE203", OUTLOOK) in found and result.exit_code == 0
    strict = CliRunner().invoke(app, ["--project", str(repo.root), "validate", "--strict"])
    assert strict.exit_code == 1


def test_attribution_at_a_revision_uses_history_up_to_it(history_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, commits = history_repo
    _, history = attribute(repo.root, commits["C3"])
    assert history.commit == commits["C3"] and sorted(history.sections) == [INTRO, HOMES, OUTLOOK]
    homes = history.sections[HOMES]
    assert homes.commits_by_org == {"anct": 1, "rome": 1}
    assert (homes.lines, homes.lines_by_org) == (12, {"anct": 1, "rome": 11})
    assert history.sections[OUTLOOK].lines_by_org == {"rome": 10} and history.diagnostics == []
    _, at_c1 = attribute(repo.root, commits["C1"])
    assert sorted(at_c1.sections) == [INTRO, HOUSING, OUTLOOK]


def test_a_revision_uses_its_own_mailmap_and_the_work_tree_uses_the_file_on_disk(tmp_path: Path) -> None:
    repo, commits = build_history(tmp_path / "paper")
    (repo.root / ".mailmap").write_text("# emptied, not committed\n", encoding="utf-8")
    _, at_rev = attribute(repo.root, commits["C6"])
    assert at_rev.sections[HOMES].lines_by_org == {"anct": 1, "dg-regio": 1, "rome": 10}
    _, on_disk = attribute(repo.root)
    assert on_disk.sections[HOMES].lines_by_org == {"anct": 1, "rome": 10}
    assert [(d.code, d.path) for d in on_disk.diagnostics] == [("COE203", HOMES), ("COE203", OUTLOOK)]
    assert "Reggie <reggie@gmail.com>" in on_disk.diagnostics[0].message


def test_blame_is_cached_by_blob_in_the_git_directory(tmp_path: Path) -> None:
    repo, _ = build_history(tmp_path / "paper")
    status = repo.git("status", "--porcelain", "--ignored", "--untracked-files=all")
    _, cold = attribute(repo.root, use_cache=True)
    _, warm = attribute(repo.root, use_cache=True)
    assert (cold.processes, cold.cache_hits) == (7, 0)  # rev-parse, ls-tree, log, config, and 3 blames
    assert (warm.processes, warm.cache_hits) == (2, 3)  # rev-parse and config: the log and listing are kept
    for path in cold.sections:
        assert (warm.sections[path].lines_by_org, warm.sections[path].unmapped_lines) == (
            cold.sections[path].lines_by_org, cold.sections[path].unmapped_lines)
    assert (repo.root / ".git" / CACHE_DIR / CACHE_FILE).is_file()
    assert repo.git("status", "--porcelain", "--ignored", "--untracked-files=all") == status
    repo.write(OUTLOOK, section("outlook", "Outlook", "leipzig", [*OUTLOOK_BODY, "Rome adds a line."]))
    repo.commit(ROME, 8, "Outlook line")
    _, after = attribute(repo.root, use_cache=True)
    assert (after.processes, after.cache_hits) == (5, 2)  # a new commit: log, listing, the changed file's blame
    assert after.sections[OUTLOOK].lines_by_org == {"rome": 11}


def test_the_log_pass_is_kept_by_commit_and_settings_and_a_damaged_entry_is_read_again(tmp_path: Path) -> None:
    repo, commits = build_history(tmp_path / "paper")
    _, cold = attribute(repo.root, use_cache=True)
    kept = repo.root / ".git" / CACHE_DIR / "history"
    packs = sorted(kept.glob("*.pack"))
    assert packs, "the log pass and the listing are kept"
    for pack in packs:
        pack.write_bytes(b"not a pack" + pack.read_bytes()[10:])
    _, damaged = attribute(repo.root, use_cache=True)
    assert damaged.processes == 4  # rev-parse, config, then the log and the listing again: nothing blamed again
    repo.git("config", "diff.renameLimit", "1")  # a setting the log pass reads: the kept one is not used
    _, other = attribute(repo.root, use_cache=True)
    assert other.processes == 7  # the log pass, the listing, and the blames (keyed by the settings too)
    attribute(repo.root, commits["C6"], use_cache=True)  # kept beside the work tree's, not instead
    _, again = attribute(repo.root, use_cache=True)
    assert again.processes == 2
    for found in (damaged, other, again):
        assert {path: (s.lines_by_org, [c.commit for c in s.changes]) for path, s in found.sections.items()} == {
            path: (s.lines_by_org, [c.commit for c in s.changes]) for path, s in cold.sections.items()}
    assert historygit._split(b"3\nabcdef") == (b"abc", b"def")
    assert historygit._split(b"9\nabc") is None and historygit._split(b"x\nabc") is None


def test_the_kept_log_pass_follows_the_settings_that_parse_co_author_trailers(tmp_path: Path) -> None:
    """`trailer.separators` (and `core.commentChar`) change which `Co-authored-by:` lines git log's
    `%(trailers)` finds: a log pass kept under other such settings is not used."""
    repo, _ = build_history(tmp_path / "paper")
    repo.git("config", "trailer.separators", "=")  # "Co-authored-by: Lena" is then no trailer
    _, without = attribute(repo.root, use_cache=True)
    assert without.sections[INTRO].commits_by_org == {"anct": 1, "rome": 1}
    repo.git("config", "--unset", "trailer.separators")
    _, again = attribute(repo.root, use_cache=True)
    assert again.sections[INTRO].commits_by_org == {"anct": 1, "leipzig": 1, "rome": 1}
    repo.git("config", "core.commentChar", "C")  # the trailer's line is then a comment
    _, commented = attribute(repo.root, use_cache=True)
    assert commented.sections[INTRO].commits_by_org == {"anct": 1, "rome": 1}


def test_a_commit_graph_in_the_cache_speeds_blame_without_touching_the_object_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, _ = build_history(tmp_path / "paper")
    monkeypatch.setattr(attribution, "GRAPH_MIN_FILES", 1)
    _, plain = attribute(repo.root, use_cache=False)
    _, graphed = attribute(repo.root, use_cache=True)
    assert graphed.processes == 8  # rev-parse, ls-tree, log, config, commit-graph write, 3 blames
    assert (repo.root / ".git" / CACHE_DIR / "objects" / "info" / "commit-graph").is_file()
    assert not (repo.root / ".git" / "objects" / "info" / "commit-graph").exists()
    for path, found in plain.sections.items():
        assert (graphed.sections[path].lines_by_org, graphed.sections[path].unmapped_lines) == (
            found.lines_by_org, found.unmapped_lines)


@pytest.mark.parametrize("junk", ['{"version": 1, "entries": {"x": [1, 2]}} and junk', "[" * 100_000 + "]" * 100_000])
def test_a_corrupt_cache_is_ignored(tmp_path: Path, junk: str) -> None:
    """Junk after the JSON, or brackets nested past what Python's parser recurses through."""
    repo, _ = build_history(tmp_path / "paper")
    cache = repo.root / ".git" / CACHE_DIR / CACHE_FILE
    cache.parent.mkdir(parents=True)
    cache.write_text(junk, encoding="utf-8")
    _, history = attribute(repo.root, use_cache=True)
    assert history.sections[INTRO].lines_by_org == {"anct": 3, "rome": 11}
    assert json.loads(cache.read_text(encoding="utf-8"))["version"] == 1


# -- no history --------------------------------------------------------------------------------------------------


def test_shallow_clone_falls_back_to_declared_contributors(
    history_repo: tuple[Repo, dict[str, str]], tmp_path: Path
) -> None:
    repo, _ = history_repo
    clone = tmp_path / "shallow"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone))
    loaded = pipeline.check(clone)
    assert loaded.history is not None and not loaded.history.available
    assert [(d.code, d.severity) for d in loaded.diagnostics] == [("COE204", "warning")]
    assert "shallow clone" in loaded.diagnostics[0].message and "unshallow" in loaded.diagnostics[0].hint
    assert loaded.project is not None
    credits = compose.credits_for(loaded.project, loaded.history)
    assert credits.contributors == {"intro": [], "housing": [], "outlook": []}


def test_a_copy_without_git_falls_back_with_a_warning(
    history_repo: tuple[Repo, dict[str, str]], tmp_path: Path
) -> None:
    repo, _ = history_repo
    copy = tmp_path / "tarball"
    shutil.copytree(repo.root, copy, ignore=shutil.ignore_patterns(".git"))
    loaded = pipeline.check(copy)
    assert [(d.code, d.severity, d.path) for d in loaded.diagnostics] == [("COE204", "warning", ".")]
    assert "no git history" in loaded.diagnostics[0].message
    assert "git commit" in loaded.diagnostics[0].hint and "unshallow" not in loaded.diagnostics[0].hint
    result = CliRunner().invoke(app, ["--project", str(copy), "contributors", "--format", "json"])
    assert result.exit_code == 0
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows["anct"]["led"] == ["housing"] and rows["anct"]["commits"] == 0 and rows["anct"]["share"] == 0


# -- credits, reports, the document -----------------------------------------------------------------------------


def test_credits_add_history_to_declared_contributors_once(history_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, _ = history_repo
    loaded, history = attribute(repo.root)
    assert loaded.project is not None
    credits = compose.credits_for(loaded.project, history)
    assert credits.lead == {"intro": "rome", "housing": "anct", "outlook": "leipzig"}
    # Leipzig only co-authored a commit to intro: no current line, under attribution.min_share, so not named.
    assert credits.contributors == {"intro": ["anct"], "housing": ["rome", "dg-regio"],
                                    "outlook": ["rome"]}


def test_status_report(history_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, _ = history_repo
    result = CliRunner().invoke(app, ["--project", str(repo.root), "status", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["id"], r["status"], r["lead"], r["last_change"], r["last_change_org"], r["commits"], r["warnings"])
            for r in rows] == [
        ("intro", "draft", "rome", "2024-02-02", "anct", 2, 0),
        ("housing", "draft", "anct", "2024-02-04", "dg-regio", 3, 0),
        ("outlook", "draft", "leipzig", "2024-02-05", None, 2, 1),
    ]
    intro = rows[0]
    words = (intro["words"], intro["min_words"], intro["max_words"], intro["words_check"])
    assert words == (34, 2, 200, "ok")  # heading 3 + paragraph 31
    text = CliRunner().invoke(app, ["--project", str(repo.root), "status"])
    lines = [line for line in text.stdout.splitlines() if "housing" in line]
    assert text.exit_code == 0 and len(lines) == 1 and "2024-02-04" in lines[0] and "dg-regio" in lines[0]


def test_contributors_report(history_repo: tuple[Repo, dict[str, str]]) -> None:
    repo, _ = history_repo
    loaded, history = attribute(repo.root)
    rows = {row.id: row for row in report.organisations(loaded, history)}
    total = 14 + 12 + 11
    assert (rows["rome"].led, rows["rome"].contributed, rows["rome"].commits, rows["rome"].lines) == (
        ["intro"], ["housing", "outlook"], 1, 31)
    assert (rows["anct"].led, rows["anct"].contributed, rows["anct"].commits, rows["anct"].lines) == (
        ["housing"], ["intro"], 2, 4)
    # A co-author without a current line is under attribution.min_share: counted in commits, not named.
    assert (rows["leipzig"].contributed, rows["leipzig"].commits, rows["leipzig"].lines) == ([], 1, 0)
    assert (rows["dg-regio"].contributed, rows["dg-regio"].commits, rows["dg-regio"].lines) == (["housing"], 1, 1)
    assert rows["rome"].share == 31 / total and rows["dg-regio"].share == 1 / total
    text = CliRunner().invoke(app, ["--project", str(repo.root), "contributors"])
    assert text.exit_code == 0 and "DG REGIO" in text.stdout


def test_contributors_json_has_the_row_of_authors_who_map_to_no_member(history_repo: tuple[Repo, dict[str, str]]
                                                                        ) -> None:
    """The text table ends with a "(no member organisation)" row for the lines of authors who map to none; the JSON
    left it out, and its shares added up to less than the whole."""
    repo, _ = history_repo
    text = CliRunner().invoke(app, ["--project", str(repo.root), "contributors"])
    unmapped = [line.split()[-2:] for line in text.stdout.splitlines() if line.startswith("(no member organisation)")]
    result = CliRunner().invoke(app, ["--project", str(repo.root), "contributors", "--format", "json"])
    rows = json.loads(result.stdout)
    assert rows[-1] == {"id": None, "name": "(no member organisation)", "short": "(no member organisation)",
                        "role": "", "country": "", "led": [], "contributed": [], "commits": None, "lines": 1,
                        "share": round(1 / 37, 4)}
    assert unmapped == [["1", f"{1 / 37:.1%}"]]
    assert sum(row["lines"] for row in rows) == 37 and abs(sum(row["share"] for row in rows) - 1) < 0.001
    assert [row["id"] for row in rows[:-1]] == ["rome", "anct", "leipzig", "dg-regio"]


def test_bylines_and_annex_credit_organisations_found_in_history(
    history_repo: tuple[Repo, dict[str, str]], tmp_path: Path
) -> None:
    repo, _ = history_repo
    out = tmp_path / "paper.docx"
    result = pipeline.assemble(repo.root, out)
    assert result.output == out, result.diagnostics
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    bylines = [text for text in paragraphs if text.startswith("Lead: ")]
    assert bylines == [
        "Lead: Metropolitan City of Rome. Contributors: ANCT. Status: draft.",  # Leipzig: 0 lines, under 5%
        "Lead: National Agency for Territorial Cohesion. Contributors: Rome, DG REGIO. Status: draft.",
        "Lead: City of Leipzig. Contributors: Rome. Status: draft.",
    ]
    rows = {re.sub(r" \((coordinator|observer)\)$", "", row.cells[0].text): row.cells[-1].text
            for table in docx.Document(str(out)).tables for row in table.rows[1:]}  # the annex, group by group
    assert rows["City of Leipzig"] == ""
    assert rows["Directorate-General for Regional and Urban Policy"] == "Housing"
    assert rows["Metropolitan City of Rome"] == "Housing; Outlook"


def test_an_edited_mailmap_blames_again(tmp_path: Path) -> None:
    """git blame gives authors through the work tree's .mailmap: kept blame from before an edit would still credit
    the organisation the old .mailmap named."""
    repo, _ = build_history(tmp_path / "paper")
    _, cold = attribute(repo.root, use_cache=True)
    assert cold.sections[HOMES].lines_by_org == {"anct": 1, "dg-regio": 1, "rome": 10}
    (repo.root / ".mailmap").write_text("# emptied, not committed\n", encoding="utf-8")
    _, warm = attribute(repo.root, use_cache=True)
    _, uncached = attribute(repo.root)
    assert warm.sections[HOMES].lines_by_org == uncached.sections[HOMES].lines_by_org == {"anct": 1, "rome": 10}
    assert warm.cache_hits == 0


def test_blame_settings_in_git_config_blame_again(tmp_path: Path) -> None:
    """git blame reads `blame.ignoreRevsFile` (and `mailmap.file`) from git config, and the file it names: kept blame
    from before either changed would still credit the lines of a commit it now skips."""
    repo, commits = build_history(tmp_path / "paper")
    _, cold = attribute(repo.root, use_cache=True)
    assert cold.sections[HOMES].lines_by_org == {"anct": 1, "dg-regio": 1, "rome": 10}
    ignored = repo.root / ".git-blame-ignore-revs"
    ignored.write_text(commits["C4"] + "\n", encoding="utf-8")  # Reggie's (DG REGIO's) commit
    repo.git("config", "blame.ignoreRevsFile", ".git-blame-ignore-revs")
    _, warm = attribute(repo.root, use_cache=True)
    _, uncached = attribute(repo.root)
    assert warm.sections[HOMES].lines_by_org == uncached.sections[HOMES].lines_by_org
    assert "dg-regio" not in warm.sections[HOMES].lines_by_org and warm.cache_hits == 0
    ignored.write_text("# nothing skipped\n", encoding="utf-8")  # the same setting, another file
    _, again = attribute(repo.root, use_cache=True)
    assert again.sections[HOMES].lines_by_org == cold.sections[HOMES].lines_by_org


def test_a_blame_git_refuses_is_a_warning_not_silent_zero_lines(tmp_path: Path) -> None:
    """`blame.ignoreRevsFile` set (often in the user's own configuration, for every repository) to a file this
    repository lacks makes every `git blame` fail: each section counted no lines, every share was 0% and nothing
    said why. Each such section now has a COE204 warning with git's reason, and a later run blames again."""
    repo, _ = build_history(tmp_path / "paper")
    repo.git("config", "blame.ignoreRevsFile", ".git-blame-ignore-revs")  # no such file
    _, history = attribute(repo.root, use_cache=True)
    failed = [d for d in history.diagnostics if d.code == "COE204"]
    assert sorted(d.path for d in failed) == sorted([INTRO, HOMES, OUTLOOK])
    assert all(d.severity == "warning" and "git blame failed" in d.message for d in failed)
    assert "could not open object name list: .git-blame-ignore-revs" in failed[0].message
    repo.git("config", "--unset", "blame.ignoreRevsFile")
    _, fixed = attribute(repo.root, use_cache=True)
    assert fixed.sections[INTRO].lines == 14 and not [d for d in fixed.diagnostics if d.code == "COE204"]


@pytest.mark.parametrize("setting", ["log.showRoot=false", "diff.renames=false"])
def test_the_log_pass_does_not_follow_the_users_log_settings(tmp_path: Path, setting: str) -> None:
    """`log.showRoot=false` in git config hid the first commit's files from the log pass: the organisation that
    drafted the paper lost that commit in every section (and its last change, where it made the only one)."""
    repo, commits = build_history(tmp_path / "paper")
    _, before = attribute(repo.root)
    key, _, value = setting.partition("=")
    repo.git("config", key, value)
    _, after = attribute(repo.root)
    for path in (INTRO, HOMES, OUTLOOK):
        assert [c.commit for c in after.sections[path].changes] == [c.commit for c in before.sections[path].changes]
    assert commits["C1"] in [c.commit for c in after.sections[INTRO].changes]


def test_separators_in_an_author_s_name_or_a_trailer_are_kept_as_text(tmp_path: Path) -> None:
    """git takes any character but a line break in an author's name and e-mail, and a commit message may hold any
    in its `Co-authored-by:` lines: the log pass's field separators (U+001F, U+001E, U+001D) there shifted the
    fields, and status, contributors, validate and assemble ended in a ValueError traceback."""
    repo, _ = build_history(tmp_path / "paper")
    repo.write(OUTLOOK, section("outlook", "Outlook", "leipzig", [*OUTLOOK_BODY, "We meet again in June.", "More."]))
    odd = {"GIT_AUTHOR_NAME": "Ana\x1fR\x1eos\x1dsi", "GIT_AUTHOR_EMAIL": "ana\x1f@example.org"}
    repo.commit(odd, 8, "Outlook\n\nCo-authored-by: Lena\x1f <lena@leipzig.example.de>\n")
    _, history = attribute(repo.root)
    newest = history.sections[OUTLOOK].changes[0]
    assert newest.author.name == "Ana\x1fR\x1eos\x1dsi" and newest.date == day(8)
    assert "leipzig" in newest.orgs  # the co-author, by her e-mail's domain
    result = CliRunner().invoke(app, ["--project", str(repo.root), "status"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, result.output


def test_terminal_control_sequences_in_an_author_s_name_are_shown_not_run(tmp_path: Path) -> None:
    """An author's name reaches the COE203 warning as git has it: a name holding ESC sequences (`\\x1b]0;...\\x07`
    retitles the terminal, `\\x1b[2J` clears it) was written to the terminal raw. Text diagnostics show such
    characters as escapes."""
    repo, _ = build_history(tmp_path / "paper")
    repo.write(OUTLOOK, section("outlook", "Outlook", "leipzig", [*OUTLOOK_BODY, "We meet again in June.", "More."]))
    repo.commit({"GIT_AUTHOR_NAME": "Eve\x1b[2J\x1b]0;owned\x07 Smith", "GIT_AUTHOR_EMAIL": "eve@nowhere.example"},
                8, "Outlook")
    result = CliRunner().invoke(app, ["--project", str(repo.root), "validate"])
    assert "COE203" in result.stderr and "\x1b" not in result.stderr
    assert "Eve\\x1b[2J\\x1b]0;owned\\x07 Smith <eve@nowhere.example>" in result.stderr


LENA = {"GIT_AUTHOR_NAME": "Lena", "GIT_AUTHOR_EMAIL": "lena@leipzig.example.de"}


def _drafted(tmp_path: Path, name: str = INTRO) -> tuple[Repo, str]:
    """A project whose introduction (at `name`) and outlook Rome drafted, in git; and the draft's commit."""
    write_project(tmp_path, {"contributors.yaml": CONTRIBUTORS, ".mailmap": MAILMAP,
                             name: section("intro", "Introduction", "rome", INTRO_BODY),
                             OUTLOOK: section("outlook", "Outlook", "leipzig", OUTLOOK_BODY)})
    repo = Repo(tmp_path)
    repo.git("init", "-q", "--initial-branch=main")
    return repo, repo.commit(ROME, 1, "Draft")


def test_a_section_deleted_and_restored_keeps_its_writers(tmp_path: Path) -> None:
    """DG REGIO deletes the introduction by mistake and restores it with `git revert`: blame gave every line to the
    restoring commit, and DG REGIO the whole section's share. The lines go to those who wrote them before the
    deletion (Rome, ANCT), a line changed after the restore to its writer (Leipzig); every commit still counts."""
    repo, draft = _drafted(tmp_path)
    body = [INTRO_BODY[0], "Cities of Equality brings cities, regions and services together.", *INTRO_BODY[2:]]
    repo.write(INTRO, section("intro", "Introduction", "rome", body))
    widen = repo.commit(ANNE, 2, "Widen the introduction")
    repo.git("rm", "-q", INTRO)
    removal = repo.commit(REGGIE, 3, "Remove the introduction")
    date = {"GIT_AUTHOR_DATE": "2024-02-04T10:00:00+00:00", "GIT_COMMITTER_DATE": "2024-02-04T10:00:00+00:00"}
    repo.git("revert", "--no-edit", removal, env={**REGGIE, **date})
    restore = repo.git("rev-parse", "HEAD")
    repo.write(INTRO, section("intro", "Introduction", "rome", [*body[:3], "Everyone counts in every town."]))
    edit = repo.commit(LENA, 5, "Towns too")
    _, history = attribute(repo.root)
    intro = history.sections[INTRO]
    assert (intro.lines, intro.lines_by_org) == (12, {"anct": 1, "leipzig": 1, "rome": 10})
    assert [c.commit for c in intro.changes] == [edit, restore, removal, widen, draft]
    assert intro.commits_by_org == {"anct": 1, "dg-regio": 2, "leipzig": 1, "rome": 1}
    _, cached = attribute(repo.root, use_cache=True)
    _, cached = attribute(repo.root, use_cache=True)  # the second from the blame cache
    assert cached.sections[INTRO].lines_by_org == {"anct": 1, "leipzig": 1, "rome": 10}


def test_a_reverted_edit_gives_the_lines_back_to_their_writer(tmp_path: Path) -> None:
    """Leipzig reverts ANCT's rewording with `git revert`: blame gave the restored line to the revert, and Leipzig a
    line it never wrote. A revert and the commit it reverts are looked past (their commits still count); a revert
    of the revert puts ANCT's wording back, ANCT's line again."""
    repo, _ = _drafted(tmp_path)
    reworded = [INTRO_BODY[0], "Cities of Equality brings cities, regions and services together.", *INTRO_BODY[2:]]
    repo.write(INTRO, section("intro", "Introduction", "rome", reworded))
    repo.commit(ANNE, 2, "Reword the introduction")
    for who, day_ in ((LENA, 3), (REGGIE, 4)):
        date = f"2024-02-0{day_}T10:00:00+00:00"
        repo.git("revert", "--no-edit", "HEAD", env={**who, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})
        _, history = attribute(repo.root)
        _, cached = attribute(repo.root, use_cache=True)
        _, cached = attribute(repo.root, use_cache=True)  # the second from the blame cache
        expected = {"rome": 12} if who is LENA else {"rome": 11, "anct": 1}
        assert history.sections[INTRO].lines_by_org == cached.sections[INTRO].lines_by_org == expected, who
    assert history.sections[INTRO].commits_by_org == {"rome": 1, "anct": 1, "leipzig": 1, "dg-regio": 1}


def test_a_revert_that_also_writes_new_words_keeps_them(tmp_path: Path) -> None:
    """Leipzig reverts ANCT's rewording without committing (`git revert --no-commit`), rewrites a line of Rome's,
    and commits with the revert's message: blame looked past the whole commit, and Leipzig's new line went to Rome. A
    revert that does more than undo the commit it names is blamed as any commit is: its new words are its own."""
    repo, _ = _drafted(tmp_path)
    reworded = [INTRO_BODY[0], "Cities of Equality brings cities, regions and services together.", *INTRO_BODY[2:]]
    repo.write(INTRO, section("intro", "Introduction", "rome", reworded))
    reworded_at = repo.commit(ANNE, 2, "Reword the introduction")
    repo.git("revert", "--no-commit", "HEAD")
    text = (repo.root / INTRO).read_text(encoding="utf-8")
    assert "Urban policy for all." in text
    repo.write(INTRO, text.replace("Urban policy for all.", "Urban policy for every resident, Leipzig writes."))
    repo.commit(LENA, 3, f'Revert "Reword the introduction"\n\nThis reverts commit {reworded_at}.')
    _, history = attribute(repo.root)
    assert history.sections[INTRO].lines_by_org.get("leipzig", 0) >= 1, history.sections[INTRO].lines_by_org


def test_a_new_file_where_a_section_was_deleted_is_a_new_section(tmp_path: Path) -> None:
    """A section deleted, and later another text written at its path, is the new writer's: nothing is taken from
    the deleted file's history."""
    repo, _ = _drafted(tmp_path)
    repo.git("rm", "-q", INTRO)
    repo.commit(REGGIE, 2, "Remove the introduction")
    repo.write(INTRO, section("intro", "Introduction", "leipzig", ["## A new start", "Written again from scratch."]))
    rewrite = repo.commit(LENA, 3, "A new introduction")
    _, history = attribute(repo.root)
    intro = history.sections[INTRO]
    assert (intro.lines, intro.lines_by_org) == (10, {"leipzig": 10})
    assert [c.commit for c in intro.changes] == [rewrite]


def test_a_section_deleted_and_restored_twice_keeps_its_writers(tmp_path: Path) -> None:
    """The introduction deleted by mistake and restored, and again: blame before the second deletion gave every
    line to the first restore, and DG REGIO, who restored it, the whole section's share. Each restore is followed
    in turn; a line written between the restores stays its writer's, and every commit counts."""
    repo, draft = _drafted(tmp_path)
    commits = [draft]
    for day in (2, 5):
        repo.git("rm", "-q", INTRO)
        commits.append(repo.commit(REGGIE, day, "Remove the introduction"))
        date = {"GIT_AUTHOR_DATE": f"2024-02-0{day + 1}T10:00:00+00:00",
                "GIT_COMMITTER_DATE": f"2024-02-0{day + 1}T10:00:00+00:00"}
        repo.git("revert", "--no-edit", commits[-1], env={**REGGIE, **date})
        commits.append(repo.git("rev-parse", "HEAD"))
        if day == 2:
            body = [INTRO_BODY[0], "Cities of Equality brings cities, regions and services together.", *INTRO_BODY[2:]]
            repo.write(INTRO, section("intro", "Introduction", "rome", body))
            commits.append(repo.commit(ANNE, 4, "Widen the introduction"))
    _, history = attribute(repo.root)
    intro = history.sections[INTRO]
    assert (intro.lines, intro.lines_by_org) == (12, {"anct": 1, "rome": 11})
    assert [c.commit for c in intro.changes] == commits[::-1]
    assert intro.commits_by_org == {"anct": 1, "dg-regio": 4, "rome": 1}


@pytest.mark.parametrize("name", ['sections/01 "intro".md', "sections/01 intro é.md"])
def test_a_restored_section_whose_name_git_quotes_keeps_its_writers(tmp_path: Path, name: str) -> None:
    """git blame writes a file name that holds a double quote between quotes, with escapes: the lines of a
    restored section of that name were not recognised as the deleted file's and went to whoever restored it."""
    repo, _ = _drafted(tmp_path, name)
    repo.git("rm", "-q", name)
    removal = repo.commit(REGGIE, 2, "Remove the introduction")
    date = {"GIT_AUTHOR_DATE": "2024-02-03T10:00:00+00:00", "GIT_COMMITTER_DATE": "2024-02-03T10:00:00+00:00"}
    repo.git("revert", "--no-edit", removal, env={**REGGIE, **date})
    _, history = attribute(repo.root)
    intro = history.sections[name]
    assert (intro.lines, intro.lines_by_org) == (12, {"rome": 12})
    assert intro.commits_by_org == {"dg-regio": 2, "rome": 1}


def _widened_and_removed(tmp_path: Path) -> tuple[Repo, list[str], str]:
    """The introduction Rome drafted and ANCT widened, then removed by DG REGIO: the commits, newest first, and the
    text it had."""
    repo, draft = _drafted(tmp_path)
    body = [INTRO_BODY[0], "Cities of Equality brings cities, regions and services together.", *INTRO_BODY[2:]]
    text = section("intro", "Introduction", "rome", body)
    repo.write(INTRO, text)
    widen = repo.commit(ANNE, 2, "Widen the introduction")
    repo.git("rm", "-q", INTRO)
    removal = repo.commit(REGGIE, 3, "Remove the introduction")
    return repo, [removal, widen, draft], text


def test_a_section_restored_under_another_name_keeps_its_writers(tmp_path: Path) -> None:
    """The introduction deleted, then committed again as it was under another file name: blame gave every line to
    the commit that brought it back, and DG REGIO the whole section's share. The lines go to those who wrote them
    before the deletion, and the file's history runs on through it."""
    repo, older, text = _widened_and_removed(tmp_path)
    renamed = "sections/01-introduction.md"
    repo.write(renamed, text)
    restore = repo.commit(REGGIE, 4, "Bring the introduction back")
    repo.write(renamed, text.replace("Urban policy for all.", "Urban policy for all, towns too."))
    edit = repo.commit(LENA, 5, "Towns too")
    _, history = attribute(repo.root)
    intro = history.sections[renamed]
    assert (intro.lines, intro.lines_by_org) == (12, {"anct": 1, "leipzig": 1, "rome": 10})
    assert [c.commit for c in intro.changes] == [edit, restore, *older]
    _, cached = attribute(repo.root, use_cache=True)
    _, cached = attribute(repo.root, use_cache=True)  # the second from the blame cache
    assert cached.sections[renamed].lines_by_org == {"anct": 1, "leipzig": 1, "rome": 10}


def test_a_section_restored_under_another_name_with_other_text_is_new(tmp_path: Path) -> None:
    """A file added under another name after a deletion, with text of its own, is its writer's: nothing is taken
    from the deleted file."""
    repo, _, text = _widened_and_removed(tmp_path)
    renamed = "sections/01-introduction.md"
    repo.write(renamed, text.replace("Urban policy for all.", "Urban policy for every town."))
    rewrite = repo.commit(LENA, 4, "A new introduction")
    _, history = attribute(repo.root)
    intro = history.sections[renamed]
    assert (intro.lines, intro.lines_by_org) == (12, {"leipzig": 12})
    assert [c.commit for c in intro.changes] == [rewrite]


def test_a_section_restored_in_a_merge_keeps_its_writers(tmp_path: Path) -> None:
    """The introduction deleted on main, and checked out again from before the deletion while merging a branch that
    never had it: blame gave every line to the merge, and its author the whole section's share."""
    repo, older, _ = _widened_and_removed(tmp_path)
    repo.git("switch", "-q", "-c", "outlook")
    repo.write(OUTLOOK, section("outlook", "Outlook", "leipzig", [*OUTLOOK_BODY, "We meet again in June."]))
    repo.commit(LENA, 4, "Outlook")
    repo.git("switch", "-q", "main")
    date = {"GIT_AUTHOR_DATE": "2024-02-05T10:00:00+00:00", "GIT_COMMITTER_DATE": "2024-02-05T10:00:00+00:00"}
    repo.git("merge", "-q", "--no-ff", "--no-commit", "outlook", env={**MERGER, **date})
    repo.git("checkout", f"{older[0]}^", "--", INTRO)
    repo.git("commit", "-q", "--no-edit", env={**MERGER, **date})
    _, history = attribute(repo.root)
    intro = history.sections[INTRO]
    assert (intro.lines, intro.lines_by_org) == (12, {"anct": 1, "rome": 11})
    assert [c.commit for c in intro.changes] == older  # the merge is no commit of its own
    assert intro.unmapped == set()  # nothing for the merge's author


@pytest.mark.parametrize("renamed", [False, True])
def test_a_restored_section_of_a_paper_in_a_folder_of_its_repository_keeps_its_writers(tmp_path: Path,
                                                                                         renamed: bool) -> None:
    """A paper in a folder of its repository (docs/): the restored file's blobs were asked of git by the path from
    the paper's folder, which git reads from the repository's top, and blame names files from there too: no restore
    was found, and whoever restored the section was credited with every line."""
    root = tmp_path / "docs"
    text = section("intro", "Introduction", "rome", INTRO_BODY)
    write_project(root, {"contributors.yaml": CONTRIBUTORS, ".mailmap": MAILMAP, INTRO: text,
                         OUTLOOK: section("outlook", "Outlook", "leipzig", OUTLOOK_BODY)})
    repo = Repo(tmp_path)
    repo.git("init", "-q", "--initial-branch=main")
    draft = repo.commit(ROME, 1, "Draft")
    repo.git("rm", "-q", f"docs/{INTRO}")
    removal = repo.commit(REGGIE, 2, "Remove the introduction")
    name = "sections/01-introduction.md" if renamed else INTRO
    (root / name).write_text(text, encoding="utf-8")
    restore = repo.commit(REGGIE, 3, "Bring the introduction back")
    _, history = attribute(root)
    intro = history.sections[name]
    assert (intro.lines, intro.lines_by_org) == (12, {"rome": 12})
    assert [c.commit for c in intro.changes] == [restore, removal, draft]
