"""Editorial rule sets (COE7xx): inclusive wording, EU style, British spelling and plain-language hints.

Rules are data (term lists in `data/*.yaml`, shipped with the package) plus one function per code, each declared
once in `registry.py` with its code, severity, summary and source. `engine.check` runs the selected rules on the
parsed sections and returns diagnostics, some with a safe `Fix`; `fix.py` applies those fixes to the files.
"""
