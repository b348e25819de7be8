"""`assemble` when nothing changed since the last build (uptodate.py): it says the document is up to date, reports
the build's diagnostics again and builds nothing; any change the document depends on makes it build again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from coe_paper import pipeline, uptodate
from coe_paper.cli import app
from coe_paper.sources import JournaledTree, WorkTree, ask_again
from coe_paper.store import Store, code_stamp
from conftest import GIT_ENV, MakeProject, require_client, section_text

INTRO = "sections/01-intro.md"
SHORT = section_text("intro", "## Short\n\nToo few words here.\n")  # a warning (COE101), not an error


def assemble(root: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--project", str(root), "assemble", "--no-layout", *args])


def built(result: Result) -> bool:
    assert result.exit_code == 0, result.output
    assert ("wrote " in result.stdout) != ("is up to date" in result.stdout), result.stdout
    return "wrote " in result.stdout


@pytest.fixture
def project(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = make_project(git=True)
    assert built(assemble(root))
    return root


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], env={**os.environ, **GIT_ENV}, check=True, capture_output=True)


def test_nothing_changed_builds_nothing_and_keeps_the_document(project: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    output = project / "build" / "test-paper.docx"
    before = output.read_bytes(), output.stat().st_mtime_ns

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("built again")

    monkeypatch.setattr(pipeline, "assemble", no_build)
    result = assemble(project)
    assert not built(result)
    assert f"{output} is up to date" in result.stdout and "version " in result.stdout
    assert (output.read_bytes(), output.stat().st_mtime_ns) == before


def test_up_to_date_names_the_output_as_the_build_did(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`-o build/p.docx` was "wrote build/p.docx" once, then "/abs/.../build/p.docx is up to date"."""
    monkeypatch.chdir(project)
    first, again = assemble(project, "-o", "build/p.docx"), assemble(project, "-o", "build/p.docx")
    assert built(first) and "wrote build/p.docx (" in first.stdout
    assert not built(again) and again.stdout.startswith("build/p.docx is up to date ("), again.stdout
    assert "(3 sections, " in first.stdout and "(3 sections, " in again.stdout


def edit_section(root: Path) -> None:
    with (root / INTRO).open("a", encoding="utf-8") as handle:
        handle.write("\nA sentence more.\n")


def new_file_beside(root: Path) -> None:
    (root / "sections" / "notes.txt").write_text("an untracked file makes the build 'with uncommitted changes'\n")


def commit(root: Path) -> None:
    git(root, "commit", "-q", "--allow-empty", "-m", "Another commit")


def tag(root: Path) -> None:
    git(root, "tag", "v1.0")


def stage(root: Path) -> None:
    edit_section(root)
    assert built(assemble(root))
    git(root, "add", INTRO)  # the same files, but the index changed


def template(root: Path) -> None:
    path = root / "paper" / "templates" / "byline.md.j2"
    path.parent.mkdir(exist_ok=True)
    path.write_text("{.Byline}\nWritten by {{ section.lead.name }}.\n", encoding="utf-8")


def hand_edited_output(root: Path) -> None:
    with (root / "build" / "test-paper.docx").open("ab") as handle:
        handle.write(b"\0")


def removed_output(root: Path) -> None:
    (root / "build" / "test-paper.docx").unlink()


@pytest.mark.parametrize("change", [edit_section, new_file_beside, commit, tag, stage, template, hand_edited_output,
                                    removed_output])
def test_a_change_the_document_depends_on_builds_it_again(project: Path, change: Callable[[Path], None]) -> None:
    change(project)
    assert built(assemble(project))
    assert not built(assemble(project))  # and then it is up to date again


@pytest.mark.parametrize("where", ["default", "configured"])
def test_a_change_to_git_s_ignore_file_outside_the_project_builds_again(make_project: MakeProject, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         where: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    ignore = tmp_path / "config" / "git" / "ignore" if where == "default" else tmp_path / "my-ignore"
    ignore.parent.mkdir(parents=True, exist_ok=True)
    ignore.write_text("*.bak\n", encoding="utf-8")
    root = make_project(git=True)
    if where == "configured":
        git(root, "config", "core.excludesFile", str(ignore))
    (root / "sections" / "01-intro.md.bak").write_text("an editor's backup, ignored\n", encoding="utf-8")
    first = assemble(root)
    assert built(first) and "uncommitted" not in first.stdout
    assert not built(assemble(root))
    ignore.write_text("*.swp\n", encoding="utf-8")  # the backup is now an untracked file: the version says so
    again = assemble(root)
    assert built(again) and "with uncommitted changes" in again.stdout
    assert not built(assemble(root))


@pytest.mark.parametrize("value", ["~no-such-user-of-coe-paper/revs", "~/revs"])
def test_a_git_setting_naming_a_home_that_cannot_be_found_is_no_traceback(make_project: MakeProject,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          value: str) -> None:
    """A path in git's configuration under a user's home (`~bob/...`) that does not exist, or `~` with no HOME and no
    entry in the user database (a container run under a bare uid), ended assemble in a RuntimeError traceback."""
    import pwd

    def unknown(uid: int) -> pwd.struct_passwd:
        raise KeyError(uid)

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = make_project(git=True)
    git(root, "config", "blame.ignoreRevsFile", value)
    if value.startswith("~/"):
        monkeypatch.delenv("HOME")
        monkeypatch.setattr(pwd, "getpwuid", unknown)
    result = assemble(root)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert built(result)


def test_an_output_folder_now_linked_out_of_the_project_is_not_up_to_date(project: Path, tmp_path: Path) -> None:
    build = project / "build"
    build.rename(tmp_path / "elsewhere")  # the document goes along, unchanged
    build.symlink_to(tmp_path / "elsewhere")
    result = assemble(project)
    assert result.exit_code == 1 and "is up to date" not in result.stdout
    assert "COE005" in result.stderr  # as `--force` says: the output leads outside the project


def test_the_built_in_templates_are_part_of_coe_paper_s_code_stamp() -> None:
    built_in = Path(uptodate.__file__).parent / "templates"  # a paper without templates of its own renders these
    names = sorted(path.name for path in built_in.glob("*.j2"))
    assert "title_page.md.j2" in names
    assert all(f"templates/{name}:" in code_stamp() for name in names)  # an edited one builds the paper again


def test_the_date_the_options_and_force(project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert built(assemble(project))
    other = tmp_path / "other.docx"
    assert built(assemble(project, "-o", str(other)))  # each output has its own record
    assert not built(assemble(project, "-o", str(other)))
    assert not built(assemble(project))
    assert built(assemble(project, "--force"))


def test_the_build_s_diagnostics_are_reported_again(make_project: MakeProject) -> None:
    root = make_project({INTRO: SHORT}, git=True)
    first = assemble(root)
    assert built(first) and "warning COE302" in first.stderr
    again = assemble(root)
    assert not built(again)
    assert again.stderr == first.stderr


def test_a_damaged_record_is_ignored(project: Path) -> None:
    records = list((project / ".git" / "coe-paper-cache" / uptodate.KIND).iterdir())
    assert len(records) == 1
    for damage in (b"", b"coe-paper 1 nonsense\n{}", records[0].read_bytes()[:-5]):
        records[0].write_bytes(damage)
        assert built(assemble(project))


def test_outside_git_every_run_builds(make_project: MakeProject) -> None:
    root = make_project()
    assert built(assemble(root)) and built(assemble(root))


def test_a_journaled_tree_s_answers_are_asked_again(make_project: MakeProject) -> None:
    root = make_project()
    tree = JournaledTree(root)
    tree.read_bytes(INTRO)
    tree.exists("paper/missing.yaml")
    tree.list_dir("sections")
    with pytest.raises(Exception, match="cannot read"):
        tree.read_bytes("sections/none.md")
    assert len(tree.answers) == 4
    again = WorkTree(root)
    assert all(ask_again(again, q) == a for q, a in tree.answers.items())
    edit_section(root)
    (root / "sections" / "none.md").write_text("now there is one\n", encoding="utf-8")
    (root / "paper" / "missing.yaml").write_text("{}\n", encoding="utf-8")
    assert [ask_again(again, q) == a for q, a in tree.answers.items()] == [False] * 4
    assert ask_again(again, '["rm", "-rf", null]') == "not a question"


def test_the_index_digest_is_the_entries_not_the_times_git_status_rewrites(make_project: MakeProject) -> None:
    root = make_project(git=True)
    index = root / ".git" / "index"
    first = uptodate.index_entries(index)
    assert not first.startswith("file ")  # read as entries, not as a whole file
    os.utime(root / INTRO, ns=(1, 1))
    git(root, "status", "--porcelain")  # refreshes the times the index caches
    assert uptodate.index_entries(index) == first
    git(root, "update-index", "--index-version", "4")  # paths prefix-compressed
    assert uptodate.index_entries(index) == first
    edit_section(root)
    git(root, "add", INTRO)
    assert uptodate.index_entries(index) != first


def test_a_layout_pass_that_could_not_run_is_tried_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coe_paper import layout

    monkeypatch.setattr(layout, "office", lambda: None)
    monkeypatch.setattr(layout, "_read_cache", lambda key: None)
    with_layout = CliRunner().invoke(app, ["--project", str(project), "assemble"])
    assert built(with_layout) and "LibreOffice is not installed" in with_layout.stderr
    assert built(CliRunner().invoke(app, ["--project", str(project), "assemble"]))  # no record: built again
    assert not built(assemble(project))  # the build without the layout pass has its own record


def test_a_layout_pass_that_ran_is_recorded(project: Path) -> None:
    require_client("soffice")
    assert built(CliRunner().invoke(app, ["--project", str(project), "assemble"]))
    assert not built(CliRunner().invoke(app, ["--project", str(project), "assemble"]))


def test_an_upgraded_library_or_another_git_environment_builds_again(project: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(project, uptodate.KIND, "")
    (entry,) = [p.stem for p in store.directory.iterdir()] if store.directory else []
    kept = store.get(entry)
    assert any("docx" in path for path in kept["libraries"])  # the build loaded python-docx, and it is recorded
    library = tmp_path / "library.py"
    library.write_text("VERSION = 1\n")
    store.put(entry, {**kept, "libraries": {**kept["libraries"], str(library): uptodate._stamp(str(library))}})
    assert not built(assemble(project))
    library.write_text("VERSION = 2.0\n")
    assert built(assemble(project))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert built(assemble(project))
    assert not built(assemble(project))


def test_a_library_found_elsewhere_on_the_path_builds_again(make_project: MakeProject, tmp_path: Path) -> None:
    import mdurl  # markdown-it's URL encoding: it shapes every link of the document

    root = make_project(git=True)
    shadow = tmp_path / "shadow"
    shutil.copytree(Path(mdurl.__file__).parent, shadow / "mdurl")  # a copy, as a user install or PYTHONPATH gives

    def cli(*path: Path) -> bool:  # in a process of its own: this one has every library loaded already
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000",
               "PYTHONPATH": os.pathsep.join(str(p) for p in (*path, Path(uptodate.__file__).parents[1]))}
        proc = subprocess.run([sys.executable, "-c", "from coe_paper.cli import run; run()", "-C", str(root),
                               "assemble", "--no-layout"], env=env, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        return "wrote " in proc.stdout

    assert cli() and not cli()
    assert cli(shadow)  # the copy is imported first now
    assert not cli(shadow)


def test_a_pipe_or_a_device_among_the_paper_s_files_is_never_read(project: Path) -> None:
    os.mkfifo(project / "sections" / "notes.fifo")  # opening it to read would wait for a writer for ever
    (project / "paper" / "zero.md").symlink_to("/dev/zero")  # reading it would never end
    done: list[dict[str, str] | None] = []
    worker = threading.Thread(target=lambda: done.append(uptodate.fingerprint(project)), daemon=True)
    worker.start()
    worker.join(60)  # a minute: only a read that waits for ever takes it, not a slow machine
    assert done, "the fingerprint never came: it read the pipe or the device"
    found = done[0]
    assert found is not None
    assert found["file:sections/notes.fifo"].startswith("not a file (p")
    assert found["file:paper/zero.md"].startswith("link /dev/zero not a file (c")
    assert built(assemble(project)) and not built(assemble(project))


def test_a_split_index_s_shared_part_is_in_the_fingerprint(project: Path) -> None:
    git(project, "update-index", "--split-index")
    found = uptodate.fingerprint(project)
    assert found is not None and [key for key in found if key.startswith("git:sharedindex.")]
    assert built(assemble(project)) and not built(assemble(project))
    edit_section(project)
    git(project, "add", INTRO)
    assert built(assemble(project))


def test_force_keeps_a_document_of_the_same_bytes_and_the_preview_its_pdf(project: Path, tmp_path: Path) -> None:
    """`assemble --force` from the same sources gives the same bytes: the file and its time are kept, so the PDF made
    of it with them is still the document's PDF for the preview; a change in the sources writes it again."""
    output = project / "build" / "test-paper.docx"
    pdf = output.with_suffix(".pdf")
    pdf.write_bytes(b"%PDF-1.7 made of this document")
    made = output.stat().st_mtime_ns - 1_000_000_000
    os.utime(output, ns=(made, made))
    os.utime(pdf, ns=(made, made))
    before = output.read_bytes()
    assert built(assemble(project, "--force"))
    assert (output.read_bytes(), output.stat().st_mtime_ns) == (before, made)
    site = CliRunner().invoke(app, ["--project", str(project), "preview", "-o", str(tmp_path / "site")])
    assert site.exit_code == 0, site.output
    assert 'href="files/test-paper.pdf"' in (tmp_path / "site/index.html").read_text(encoding="utf-8")
    edit_section(project)
    assert built(assemble(project))
    assert output.read_bytes() != before and output.stat().st_mtime_ns > made


def test_a_settled_file_s_digest_is_kept_and_a_change_of_the_same_size_and_time_is_still_seen(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fingerprint reads a file again only when its device, inode, size or times changed since the digest it
    kept (taken once the file had not changed for SETTLED_NS). A change that keeps the size and puts the
    modification time back still sets the status-change time, and is seen."""
    monkeypatch.setattr(uptodate, "SETTLED_NS", 0)  # every file settled at once, for the test
    hashed: list[Path] = []
    digest = uptodate._file
    monkeypatch.setattr(uptodate, "_file", lambda path: (hashed.append(path), digest(path))[1])
    before = uptodate.fingerprint(project)
    assert project / INTRO in hashed
    hashed.clear()
    assert uptodate.fingerprint(project) == before
    assert not [path for path in hashed if path.is_relative_to(project / "sections")], "kept digests were used"

    intro = project / INTRO
    times = intro.stat()
    time.sleep(0.05)  # past the clock tick of the last status change
    intro.write_text(intro.read_text(encoding="utf-8").replace("a", "b", 1), encoding="utf-8")
    os.utime(intro, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert intro.stat().st_size == times.st_size and intro.stat().st_mtime_ns == times.st_mtime_ns
    after = uptodate.fingerprint(project)
    assert after is not None and before is not None
    assert after[f"file:{INTRO}"] != before[f"file:{INTRO}"]
    assert project / INTRO in hashed


def test_a_file_changed_just_before_the_fingerprint_is_read_again_the_next_time(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that changed within SETTLED_NS of a fingerprint has no digest kept: a second change in the same clock
    tick would leave its times as they were."""
    (project / INTRO).write_text(SHORT, encoding="utf-8")
    hashed: list[Path] = []
    digest = uptodate._file
    monkeypatch.setattr(uptodate, "_file", lambda path: (hashed.append(path), digest(path))[1])
    uptodate.fingerprint(project)
    hashed.clear()
    uptodate.fingerprint(project)
    assert project / INTRO in hashed
