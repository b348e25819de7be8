"""Jinja2's sandbox, bounded in time and size, for templates that anyone with commit access can change.

Jinja's `SandboxedEnvironment` stops a template from reaching Python internals, but not from running for ever or
filling memory: `{{ 'A' * 10**9 }}` builds a gigabyte in one C call, two nested loops of 100,000 steps run for hours.
Here:
- time: while a template renders, a trace function checks a deadline on every line of Python that runs (the
  template's own code, Jinja's and filters'), so any loop ends when the time is up;
- size: operators (`*`, `**`, `+`, `%`), concatenation (`~`), method calls and the filters that build strings check
  the size of what they would make *before* making it, and the output is counted as it is produced;
- collections are read-only (`ImmutableSandboxedEnvironment`).
Past a bound, rendering stops with `TemplateLimit`, which is a BaseException so that no `except Exception` inside
Jinja or a filter can swallow it and carry on.
"""

from __future__ import annotations

import functools
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import FrameType
from typing import Any

from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Concat, EvalContext, Expr, Impossible, TemplateData
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import limits

#: Filters that build a string or a collection from their input in one C call: their input is weighed first.
_BUILDING_FILTERS = frozenset({
    "join", "string", "pprint", "tojson", "format", "replace", "center", "indent", "wordwrap", "sum", "xmlattr",
    "urlize", "list", "title", "upper", "lower", "capitalize", "trim", "escape", "e", "forceescape", "urlencode",
    "markdown",
})
#: What Jinja passes a filter besides its input and arguments (pass_context, pass_eval_context, pass_environment).
_RUNTIME = (Context, EvalContext, ImmutableSandboxedEnvironment)
_WIDE_FORMAT = re.compile(r"[%{:][^%{}]*\d{7,}")  # a field width or precision of a million or more


class TemplateLimit(BaseException):
    """A template went past a bound (time, or the size of its output or of a value it builds)."""


def weight(value: object, cap: int) -> int:
    """Characters and items in `value`, nested collections included (shared ones counted each time they appear,
    as printing them would), counting no further than just past `cap`."""
    total, stack = 0, [value]
    while stack and total <= cap:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, Mapping):
            total += len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += len(item)
            stack.extend(item)
        else:
            total += 1
    return total


def within(value: object, cap: int) -> bool:
    """Whether `value` weighs no more than `cap` (see `weight`): a text by its length and a value that holds no
    others (a number, a generator, a macro) as one, without walking it; only collections are walked."""
    if isinstance(value, str | bytes):
        return len(value) <= cap
    if not isinstance(value, Mapping | list | tuple | set | frozenset):
        return cap >= 1
    return weight(value, cap) <= cap


def _too_big(what: str) -> TemplateLimit:
    return TemplateLimit(f"{what} would be larger than the {limits.LIMITS.template_output:,} characters or items "
                         "a template may build")


def _check(value: object, what: str = "a value") -> None:
    if not within(value, limits.LIMITS.template_output):
        raise _too_big(what)


def _number(value: int) -> str:
    """`value` as a message gives it: whole up to 30 digits, else by its count of digits (not a page of them)."""
    digits = len(str(abs(value))) if abs(value).bit_length() < 10_000 else None
    if digits is not None and digits <= 30:
        return f"{value:,}"
    return f"a number of {digits:,} digits" if digits is not None else "a number of over 3,000 digits"


def _check_arguments(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """Numbers that size a result (widths, counts) and format strings with huge widths are refused up front."""
    cap = limits.LIMITS.template_output
    for value in (*args, *kwargs.values()) if kwargs else args:
        if isinstance(value, int):
            if abs(value) > cap:
                raise _too_big(f"an argument of {_number(value)}")
        elif isinstance(value, str) and len(value) > 7 and _WIDE_FORMAT.search(value):  # 8 characters at least
            raise _too_big("a format with that width")


def _after_input(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """A filter's arguments after its input, which is no size (`{{ 5000000 | filesizeformat }}` is "5.0 MB",
    `{{ budget | abs }}` a sum): what Jinja passes first (the context, the environment) and the input left out."""
    start = next((i for i, value in enumerate(args) if not isinstance(value, _RUNTIME)), len(args))
    return args[start + 1 :]


def _check_multiplying(name: str, text: object, args: tuple[Any, ...]) -> None:
    """Refuse the string operations whose result can outgrow their inputs many times over in one C call: replacing
    (each match by a long text), joining (a long separator between many items), expanding tabs."""
    cap = limits.LIMITS.template_output
    if not isinstance(text, str):
        return
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        matches = text.count(args[0]) if args[0] else len(text) + 1
        if len(text) + matches * len(args[1]) > cap:
            raise _too_big("a replacement")
    elif name == "join" and args and isinstance(args[0], list | tuple) and args[0]:  # joining nothing makes ''
        if len(text) * len(args[0]) + weight(args[0], cap) > cap:
            raise _too_big("a join")
    elif name == "expandtabs" and args and isinstance(args[0], int) and text.count("\t") * args[0] > cap:
        raise _too_big("expanding tabs")


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    if name not in _BUILDING_FILTERS:

        @functools.wraps(func)  # keeps Jinja's pass_context / pass_environment marks
        def bounded(*args: Any, **kwargs: Any) -> Any:
            _check_arguments(_after_input(args), kwargs)
            return func(*args, **kwargs)

        return bounded

    @functools.wraps(func)
    def building(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(_after_input(args), kwargs)
        cap = limits.LIMITS.template_output
        values = [v for v in args if not isinstance(v, _RUNTIME)]
        for value in values:
            if not within(value, cap):  # the message is made only when it is said
                raise _too_big(f"the input of '{name}'")
        if name == "replace" and values:
            _check_multiplying("replace", values[0], tuple(values[1:]))
        elif name == "join" and len(values) >= 2:
            _check_multiplying("join", values[1], (list(values[0]) if isinstance(values[0], list | tuple)
                                                   else [],))
        return func(*args, **kwargs)

    return building


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles `a ~ b` to a concatenation that weighs its parts before joining them, and evaluates every printed
    expression as the template runs (not while compiling, where a limit would be hit at no line)."""

    def _output_child_to_const(self, node: Expr, frame: Frame, finalize: Any) -> str:
        if not isinstance(node, TemplateData):
            raise Impossible()
        return super()._output_child_to_const(node, frame, finalize)

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox with size checks on operators, calls, filters and concatenation (see the module docstring)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, **options: Any) -> None:
        # No constant folding: an expression is evaluated as the template runs, where its line is known.
        super().__init__(**{"optimized": False, **options})
        self.filters = {name: _bounded_filter(name, func) for name, func in self.filters.items()}

    def add_filter(self, name: str, func: Callable[..., Any]) -> None:
        self.filters[name] = _bounded_filter(name, func)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        cap = limits.LIMITS.template_output
        if operator == "**" and isinstance(left, int) and isinstance(right, int):  # floats overflow, ints grow
            if right * max(abs(left), 2).bit_length() > cap * 4:  # bits of the result, roughly
                raise _too_big("a power")
        elif operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(times, int) and not isinstance(seq, int | float) and weight(seq, cap) * times > cap:
                    raise _too_big("a repetition")
        elif operator == "+":
            if weight(left, cap) + weight(right, cap) > cap:
                raise _too_big("a sum")
        elif operator == "%" and isinstance(left, str):
            _check_arguments((left, *(right if isinstance(right, tuple) else (right,))), {})
            _check(right, "a formatted value")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs)
        text = getattr(__obj, "__self__", None)
        if isinstance(text, str):  # str methods: 'x'.join(...), .format(...), .replace(...)
            _check(args, "the arguments of a string method")
            _check_multiplying(getattr(__obj, "__name__", ""), text, args)
        return super().call(__context, __obj, *args, **kwargs)

    def bounded_concat(self, parts: tuple[Any, ...]) -> str:
        _check(parts, "a concatenation")
        return "".join(str(part) for part in parts)


@contextmanager
def deadline(until: float) -> Iterator[None]:
    """Raise TemplateLimit in the Python code this thread runs once `time.monotonic()` passes `until`: from a timer
    signal in the main thread (free while nothing is late), else from a trace function called on every line."""
    message = f"rendering took longer than the time templates may take ({limits.LIMITS.template_seconds:g} s in all)"
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():

        def alarm(signum: int, frame: FrameType | None) -> None:
            raise TemplateLimit(message)

        previous_handler = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, max(until - time.monotonic(), 1e-4))
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
        return
    previous = sys.gettrace()

    def line(frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if time.monotonic() > until:
            raise TemplateLimit(message)
        return line

    sys.settrace(line)
    try:
        yield
    finally:
        sys.settrace(previous)


def output_within(chunks: Iterator[str], cap: int) -> str:
    """Join a template's output, stopping as soon as it passes `cap` characters."""
    out: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > cap:
            raise TemplateLimit(f"the template's output is longer than the {cap:,} characters allowed")
        out.append(chunk)
    return "".join(out)
