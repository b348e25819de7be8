"""coe-paper: validate and assemble a collaboratively written paper into Word."""

__version__ = "0.1.0"
