"""Converting option values of plain types without pydantic, so that a command starts at once.

Typer (0.2x) converts every parameter value through a pydantic ``TypeAdapter``, and importing
pydantic costs about 0.2 s of CPU on every ``ktrd`` run. The options of ``ktrd`` are plain
``str``, ``int``, ``float``, ``bool``, ``Path`` and lists of them; for those,
:func:`install_plain_coercion` gives Typer a converter that takes the unambiguous spellings
(decimal integers, decimal floats, non-empty paths) directly and hands anything else (a bad
value, ``inf``, ``1_000``, a bound such as ``min=``/``max=``, a custom parser) to Typer's own
pydantic adapter, built only then. The values and the error messages are therefore Typer's
(``tests/test_cli_startup.py`` checks both against the adapter). Without the Typer internals
this relies on, nothing is installed and Typer behaves as shipped (only slower to start).
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union, cast, get_args, get_origin

__all__ = ["install_plain_coercion", "plain_build", "plain_converter"]

_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


class _Unhandled(Exception):
    """This value is not in a plain spelling: Typer's own adapter decides."""


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _Unhandled
    if isinstance(value, int):
        return value
    text = value.strip()
    if not _INT.fullmatch(text):
        raise _Unhandled
    return int(text)


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _Unhandled
    if isinstance(value, (int, float)):
        return float(value)
    text = value.strip()
    if not _FLOAT.fullmatch(text):
        raise _Unhandled
    return float(text)


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise _Unhandled
    return value


def _bool(value: Any) -> bool:
    """A flag's own value (Typer's adapter parses the spellings of a boolean from the environment)."""
    if not isinstance(value, bool):
        raise _Unhandled
    return value


def _path(value: Any) -> Path:
    """A ``Path`` (Typer's own path checks then run on it, see ``PlainRuntimeParam``)."""
    if isinstance(value, Path):
        return value
    if not isinstance(value, str) or not value:
        raise _Unhandled
    return Path(value)


_LEAVES: dict[Any, Callable[[Any], Any]] = {int: _int, float: _float, str: _str, bool: _bool, Path: _path}


def _unwrap_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def plain_converter(annotation: Any, parameter_info: Any) -> Callable[[Any], Any] | None:
    """A converter for a plain annotation without bounds or parser, or None (Typer's adapter then).

    >>> plain_converter(int, None)("42"), plain_converter(list[float], None)(("1.5", "2"))
    (42, [1.5, 2.0])
    """
    parser = getattr(parameter_info, "parser", None)
    plain_parser = parser is not None and getattr(parser, "plain", False)
    for attribute in ("parser", "min", "max", "click_type", "path_type"):
        if getattr(parameter_info, attribute, None) is not None and not (attribute == "parser" and plain_parser):
            return None
    annotation = _unwrap_optional(annotation)
    if plain_parser:  # one of ours that needs no pydantic (``commands._numbers.finite``): applied directly
        leaves = dict(_LEAVES)
        leaves[float] = lambda value, parse=parser: parse(value) if isinstance(value, (str, float)) else _unhandled()
        return _converter(annotation, leaves)
    return _converter(annotation, _LEAVES)


def _unhandled() -> Any:
    raise _Unhandled


def _converter(annotation: Any, leaves: dict[Any, Callable[[Any], Any]]) -> Callable[[Any], Any] | None:
    if get_origin(annotation) is list:
        (item,) = get_args(annotation) or (None,)
        leaf = leaves.get(_unwrap_optional(item))
        if leaf is None:
            return None

        def each(value: Any, leaf: Callable[[Any], Any] = leaf) -> list[Any]:
            if not isinstance(value, (list, tuple)):
                raise _Unhandled
            return [leaf(v) for v in value]

        return each
    return leaves.get(annotation)


def plain_build(typer_build: Callable[[Any], Any]) -> Callable[[Any], Any] | None:
    """Typer's ``build_runtime_param`` with plain parameters converted here; None if Typer lacks the internals."""
    try:
        from typer._coercion import RuntimeParam
        from typer._param_types import coerce_cli_path
    except ImportError:  # pragma: no cover - an older or newer Typer: leave it as shipped
        return None

    @dataclass(frozen=True)
    class PlainRuntimeParam(RuntimeParam):  # type: ignore[misc]
        """Convert plain spellings directly; anything else through Typer's adapter (built on demand)."""

        convert: Callable[[Any], Any] = field(default=lambda v: v)
        descriptor: Any = None

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                converted = self.convert(value)
            except _Unhandled:
                return typer_build(self.descriptor)._coerce_value(value, param=param, ctx=ctx)
            if isinstance(converted, list):
                return [self._checked(v, param, ctx) for v in converted]
            return self._checked(converted, param, ctx)

        def _checked(self, value: Any, param: Any, ctx: Any) -> Any:
            """Paths go through Typer's own checks (exists, readable, resolve_path ...), as its adapter does."""
            if isinstance(value, Path):
                return coerce_cli_path(value, self.parameter_info, path_type=Path, param=param, ctx=ctx)
            return value

    def build(descriptor: Any) -> Any:
        convert = None
        if getattr(descriptor, "file_annotation", None) is None:
            convert = plain_converter(descriptor.annotation, descriptor.parameter_info)
        if convert is None:
            return typer_build(descriptor)
        return PlainRuntimeParam(
            parameter_info=descriptor.parameter_info,
            annotation=descriptor.annotation,
            convert=convert,
            descriptor=descriptor,
        )

    build._ktrd_plain = True  # type: ignore[attr-defined]
    return build


def install_plain_coercion() -> bool:
    """Make Typer convert plain parameters without pydantic (once per process); False if not possible."""
    try:
        from typer import _coercion
        from typer import core as typer_core
    except ImportError:  # pragma: no cover - an older or newer Typer: leave it as shipped
        return False
    current = getattr(typer_core, "build_runtime_param", None)
    if getattr(current, "_ktrd_plain", False):
        return True
    original = getattr(_coercion, "build_runtime_param", None)
    if original is None or current is not original:
        return False  # a Typer whose internals differ: leave it as shipped
    build = plain_build(cast(Callable[[Any], Any], original))
    if build is None:
        return False
    setattr(typer_core, "build_runtime_param", build)  # noqa: B010 - replacing a function of another module
    return True
