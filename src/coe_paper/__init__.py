"""coe-paper: validate and assemble a collaboratively written paper into Word."""

import os

__version__ = "0.1.0"

# pydantic looks through every installed distribution's entry points for its plugins when the first model is built
# (60-100 ms, paid by every command that reads a paper); coe-paper's models use none. Set only where the caller has
# not said otherwise.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
