"""What a command pays before its work: pydantic's plugin loader stands aside while every plugin is disabled."""

from __future__ import annotations

import ast
import inspect
import os
import subprocess
import sys
from pathlib import Path

from conftest import MakeProject

CHECK_AND_LIST_MODULES = """
import sys
from pathlib import Path
from coe_paper import pipeline
result = pipeline.check(Path(sys.argv[1]))
print("importlib.metadata" in sys.modules, *sorted(f"{d.code}:{d.line}" for d in result.diagnostics))
"""
LOADER = "import pydantic.plugin, importlib; loader = importlib.import_module('pydantic.plugin._loader')"


def _run(code: str, *args: str, env: dict[str, str] | None = None) -> list[str]:
    environment = {key: value for key, value in os.environ.items() if key != "PYDANTIC_DISABLE_PLUGINS"}
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                          env=environment | (env or {}))
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_checking_a_paper_does_not_load_package_metadata(make_project: MakeProject) -> None:
    """A paper checked without pydantic's plugins: no `importlib.metadata` (nor `email`) loaded for a loader that
    has nothing to look up, and the paper checked as with pydantic's own loader."""
    root = make_project()
    quick, *found = _run(CHECK_AND_LIST_MODULES, str(root))
    loaded, *found_so = _run(CHECK_AND_LIST_MODULES, str(root), env={"PYDANTIC_DISABLE_PLUGINS": "some_plugin"})
    assert (quick, loaded) == ("False", "True")
    assert found == found_so


def test_the_stand_in_answers_as_pydantics_loader_and_is_all_pydantic_asks_of_it() -> None:
    """pydantic asks the loader for `get_plugins` alone (when it builds a validator), and the real loader, with
    every plugin disabled, answers an empty collection: so does the stand-in. A pydantic that asks more of its
    loader fails here, not in a user's command."""
    import pydantic.plugin._schema_validator as schema_validator

    asked = {alias.name for node in ast.walk(ast.parse(inspect.getsource(schema_validator)))
             if isinstance(node, ast.ImportFrom) and node.module == "_loader" for alias in node.names}
    assert asked == {"get_plugins"}
    real = _run(f"{LOADER}; print(list(loader.get_plugins()))", env={"PYDANTIC_DISABLE_PLUGINS": "__all__"})
    stand_in = _run(f"import coe_paper; {LOADER}; print(list(loader.get_plugins()), hasattr(loader, '__file__'))")
    assert real == ["[]"]
    assert stand_in == ["[]", "False"]


def test_the_package_imports_with_the_real_loader_already_loaded() -> None:
    """A program that loaded pydantic's loader before coe-paper keeps it: the stand-in never replaces a module."""
    out = _run(f"import sys; {LOADER}; import coe_paper; print(sys.modules[loader.__name__] is loader)")
    assert out == ["True"]


BUILD_AND_LIST_MODULES = """
import sys
from pathlib import Path
from coe_paper import pipeline
built = pipeline.assemble(Path(sys.argv[1]), Path(sys.argv[2]))
assert built.output is not None, built.diagnostics
print(*sorted(name for name in sys.modules if name.startswith(("coe_paper.word", "coe_paper.review"))))
"""


def test_building_a_paper_does_not_load_the_docx_reader(make_project: MakeProject, tmp_path: Path) -> None:
    """The template's headers and footers are searched for fields that fetch or run what they name (COE802) by
    their instructions alone: the reader of members' and reviewers' .docx files (its blocks, runs and fields) is
    not loaded to name a field."""
    root = make_project()
    assert _run(BUILD_AND_LIST_MODULES, str(root), str(tmp_path / "paper.docx")) == []


CHECK_TWICE_AND_LIST_MODULES = """
import subprocess, sys
from pathlib import Path
from coe_paper import pipeline
root = Path(sys.argv[1])
first = pipeline.check(root)  # blames each section and keeps it
code = "import sys; from pathlib import Path; from coe_paper import pipeline; pipeline.check(Path(sys.argv[1])); "
code += "print(*sorted(n for n in ('logging', 'concurrent.futures') if n in sys.modules))"
print(subprocess.run([sys.executable, "-c", code, sys.argv[1]], capture_output=True, text=True, check=True).stdout)
"""


def test_a_paper_whose_blame_is_kept_is_checked_without_a_thread_pool(make_project: MakeProject) -> None:
    """Checking a paper whose sections' blame and history are in the cache starts no git blame: neither the thread
    pool that runs them side by side nor the logging it brings is loaded (about 7 ms of every `validate`)."""
    root = make_project(git=True)
    assert _run(CHECK_TWICE_AND_LIST_MODULES, str(root)) == []


def test_a_template_printing_no_address_does_not_load_the_address_finder() -> None:
    """A value a template prints is searched for web and e-mail addresses (they become links) only when it holds
    what every such address holds (`//`, `www.` or `@`): linkify-it loads for the licence's address, not for names."""
    code = ("import sys; from coe_paper.templates import escape_markdown as e; a = e('Rome and Paris (draft)'); "
            "before = 'linkify_it' in sys.modules; b = e('https://example.org/x'); "
            "print(before, 'linkify_it' in sys.modules, b)")
    before, after, link = _run(code)
    assert (before, after) == ("False", "True")
    assert link == r"[https://example\.org/x](<https://example.org/x>)"
