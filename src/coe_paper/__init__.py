"""coe-paper: validate and assemble a collaboratively written paper into Word."""

import os
import sys
import types

__version__ = "0.1.0"

# pydantic looks through every installed distribution's entry points for its plugins when the first model is built
# (60-100 ms, paid by every command that reads a paper); coe-paper's models use none. Set only where the caller has
# not said otherwise.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _no_plugin_loader() -> None:
    """With every plugin disabled, pydantic's plugin loader answers "none" without looking; but the module imports
    `importlib.metadata` as it loads (and with it the `email` package), which cost a command that reads a paper more
    than any module of coe-paper's own. Its one function, as it answers then, stands in for it; a caller who asked
    for plugins gets pydantic's own loader. tests/test_startup.py holds the stand-in to the loader's answer."""
    name = "pydantic.plugin._loader"
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") != "__all__" or name in sys.modules:
        return
    loader = types.ModuleType(name, "pydantic's plugin loader while every plugin is disabled: none to load.")
    loader.get_plugins = tuple  # type: ignore[attr-defined]  # what the loader answers: no plugins
    sys.modules[name] = loader


_no_plugin_loader()
