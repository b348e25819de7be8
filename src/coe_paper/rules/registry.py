"""The rule registry: every editorial code declared once, with severity, summary, source and whether it can fix.

A rule's function takes the run's `Context` and one section's `Prose` and yields `Finding`s; the engine turns them
into Diagnostics with the paper's severities, selection and inline suppressions applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..diagnostics import Fix, Severity

if TYPE_CHECKING:
    from .engine import Context
    from .text import Prose

#: Rule sets by code prefix, in the order the README lists them.
RULE_SETS: dict[str, str] = {
    "COE70": "inclusive wording",
    "COE71": "EU style",
    "COE72": "British spelling",
    "COE73": "plain language",
    "COE74": "EU style: amounts and abbreviations",
    "COE79": "suppressions",
}


@dataclass(frozen=True)
class Finding:
    """What a rule found: a place in the section file (1-based line and column), a message, a hint, a fix."""

    line: int
    column: int
    message: str
    hint: str = ""
    fix: Fix | None = None


Check = Callable[["Context", "Prose"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """One editorial rule: its code, severity, summary, the style guide it follows, and its check."""

    code: str
    severity: Severity
    summary: str
    source: str
    fixable: bool
    check: Check | None  # None for a rule the engine itself emits (COE790)

    @property
    def rule_set(self) -> str:
        return RULE_SETS[self.code[:5]]


RULES: dict[str, Rule] = {}

#: Every code and the module whose import registers its rule: a run whose sections all hit the cache asks only
#: which codes the paper selects, and imports no rule module (`rules_of` imports those it needs). A test holds
#: this to what the modules register.
MODULES: dict[str, str] = {
    "COE701": "inclusive", "COE702": "inclusive",
    **dict.fromkeys([f"COE71{digit}" for digit in range(8)], "eustyle"), "COE718": "protocol", "COE719": "numbers",
    "COE721": "spelling", "COE722": "spelling",
    "COE731": "plain", "COE732": "plain", "COE733": "indefinite",
    "COE740": "numbers", "COE741": "eustyle", "COE742": "numbers", "COE743": "numbers",
    "COE744": "numbers",
    "COE790": "suppress",
}
#: The codes the engine emits itself (no function of their own).
EMITTED = frozenset({"COE790"})


def rule(code: str, summary: str, source: str, *, severity: Severity = "warning",
         fixable: bool = False) -> Callable[[Check], Check]:
    """Register the decorated function as the check for `code` (once: a second registration is a bug)."""

    def register(check: Check) -> Check:
        declare(code, summary, source, severity=severity, fixable=fixable, check=check)
        return check

    return register


def declare(code: str, summary: str, source: str, *, severity: Severity = "warning", fixable: bool = False,
            check: Check | None = None) -> Rule:
    if code in RULES:
        raise ValueError(f"rule {code} registered twice")
    if code[:5] not in RULE_SETS:
        raise ValueError(f"rule {code} belongs to no rule set")
    RULES[code] = Rule(code, severity, summary, source, fixable, check)
    return RULES[code]


def rules() -> list[Rule]:
    """Every registered rule, by code (importing the rule modules registers them)."""
    return rules_of(sorted(MODULES))


def rules_of(codes: Iterable[str]) -> list[Rule]:
    """The rules of `codes` (of MODULES), in that order, their modules imported."""
    from importlib import import_module

    wanted = list(codes)
    for module in dict.fromkeys(MODULES[code] for code in wanted):
        import_module(f"{__package__}.{module}")
    return [RULES[code] for code in wanted]
