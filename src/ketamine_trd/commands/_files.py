"""The one reader of the CLI's input files: size limit, encoding check, JSON depth and size, CSV fields.

Every command that takes a file reads it here, so that no file, however it is made, ends in a traceback or
in a run without end: the file is read in bytes up to a size limit, must be UTF-8 (with or without a byte
order mark; UTF-16, UTF-32 and anything else are refused by name), JSON is parsed with a depth limit, a
node limit, no ``NaN``/``Infinity`` and no integers longer than 40 digits, and CSV fields are bounded.
Each refusal is an ``InputError`` that names the option, the file and what is allowed (exit 2).

The limits are site settings (platform decisions, not clinical values): ``KTRD_CLI_MAX_FILE_MB`` (default 16)
bounds every file read here; the others are fixed below.

>>> parse_json_text('{"a": [1, 2.5, "x"]}', "--history", "h.json")
{'a': [1, 2.5, 'x']}
>>> try:
...     parse_json_text('[' * 100 + ']' * 100, "--history", "h.json")
... except InputError as error:
...     print(error.reason)
is nested deeper than 64 levels
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ketamine_trd.errors import InputError

__all__ = [
    "MAX_CSV_FIELD_CHARS",
    "MAX_JSON_DEPTH",
    "MAX_JSON_NODES",
    "csv_rows",
    "max_file_bytes",
    "parse_json_text",
    "read_bytes",
    "read_json",
    "read_text",
]

DEFAULT_MAX_FILE_MB = 16
MAX_JSON_DEPTH = 64
MAX_JSON_NODES = 500_000
MAX_CSV_FIELD_CHARS = 10_000
MAX_CSV_ROWS = 20_000
MAX_INT_DIGITS = 40

_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_TEXT_ALLOWED = "a UTF-8 text file (with or without a byte order mark)"


def max_file_bytes() -> int:
    """The size limit of an input file in bytes (``KTRD_CLI_MAX_FILE_MB``, default 16 MB)."""
    text = os.environ.get("KTRD_CLI_MAX_FILE_MB", "").strip()
    try:
        mb = float(text) if text else DEFAULT_MAX_FILE_MB
    except ValueError:
        raise InputError("KTRD_CLI_MAX_FILE_MB", text, "a number of megabytes, 0.001 to 4096") from None
    if not 0.001 <= mb <= 4096:
        raise InputError("KTRD_CLI_MAX_FILE_MB", text, "a number of megabytes, 0.001 to 4096")
    return int(mb * 1024 * 1024)


def _shown(path: Path) -> str:
    """The path as text that prints anywhere (undecodable bytes of a file name are escaped)."""
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


def read_bytes(path: Path, field: str, *, limit: int | None = None) -> bytes:
    """The bytes of the regular file ``path``, refused past ``limit`` bytes (default :func:`max_file_bytes`)."""
    limit = max_file_bytes() if limit is None else limit
    path = Path(path)
    if path.is_dir():
        raise InputError(field, _shown(path), "a file", reason="is a folder")
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError(field, _shown(path), "an existing file", reason="does not exist") from None
    except OSError as error:
        raise InputError(field, _shown(path), "a readable file", reason=f"cannot be read ({error.strerror})") from None
    if len(data) > limit:
        raise InputError(field, _shown(path), f"a file of at most {limit / 1048576:g} MB", reason="is larger")
    return data


def decode_text(data: bytes, field: str, shown: str) -> str:
    """``data`` decoded as UTF-8 (a leading byte order mark dropped); anything else refused by name."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise InputError(field, shown, _TEXT_ALLOWED, reason=f"is {name} text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if data[:200].count(b"\x00") > 20:
            raise InputError(field, shown, _TEXT_ALLOWED, reason="is UTF-16 or UTF-32 text, or binary") from None
        byte = data[error.start]
        raise InputError(
            field, shown, _TEXT_ALLOWED, reason=f"is not UTF-8 (byte 0x{byte:02x} at offset {error.start})"
        ) from None
    if "\x00" in text:
        raise InputError(field, shown, _TEXT_ALLOWED, reason="holds NUL bytes (a binary file)")
    return text


def read_text(path: Path, field: str, *, limit: int | None = None) -> str:
    """The text of ``path``: size-limited, UTF-8 with or without a byte order mark."""
    return decode_text(read_bytes(path, field, limit=limit), field, _shown(Path(path)))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {len(text)} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def _check_tree(document: Any, field: str, shown: str) -> None:
    """Depth, node count and lone surrogates, checked without recursion."""
    allowed = f"a JSON document at most {MAX_JSON_DEPTH} levels deep with at most {MAX_JSON_NODES:,} values"
    stack: list[tuple[Any, int]] = [(document, 1)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > MAX_JSON_NODES:
            raise InputError(field, shown, allowed, reason=f"holds more than {MAX_JSON_NODES:,} values")
        if depth > MAX_JSON_DEPTH:
            raise InputError(field, shown, allowed, reason=f"is nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(value, dict):
            for key, item in value.items():
                _check_string(key, field, shown)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            _check_string(value, field, shown)


def _check_string(value: str, field: str, shown: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(field, shown, "JSON strings of Unicode text", reason="holds a lone surrogate escape") from None


def parse_json_text(text: str, field: str, shown: str) -> Any:
    """``text`` parsed as JSON under the limits above (see the module docstring)."""
    depth = _bracket_depth(text)
    if depth > MAX_JSON_DEPTH:
        allowed = f"a JSON document at most {MAX_JSON_DEPTH} levels deep with at most {MAX_JSON_NODES:,} values"
        raise InputError(field, shown, allowed, reason=f"is nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        document = json.loads(text, parse_constant=_refuse_constant, parse_int=_bounded_int)
    except json.JSONDecodeError as error:
        reason = f"is not valid JSON ({error.msg}, line {error.lineno} column {error.colno})"
        raise InputError(field, shown, "a JSON document", reason=reason) from None
    except (ValueError, RecursionError) as error:
        raise InputError(field, shown, "a JSON document", reason=f"is not valid JSON ({error})") from None
    _check_tree(document, field, shown)
    return document


def _bracket_depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` outside strings (a cheap scan before the parser recurses)."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return 0
    deepest = depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def read_json(path: Path, field: str, *, limit: int | None = None) -> Any:
    """The JSON document in ``path`` (size, encoding, depth and size limits; see the module docstring)."""
    return parse_json_text(read_text(path, field, limit=limit), field, _shown(Path(path)))


def csv_rows(path: Path, field: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of a CSV file: size and encoding as above, fields and rows bounded."""
    shown = _shown(Path(path))
    text = read_text(path, field)
    reader = csv.reader(io.StringIO(text, newline=""))
    allowed = f"CSV with fields of at most {MAX_CSV_FIELD_CHARS:,} characters"
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_CSV_ROWS:
                raise InputError(field, shown, f"a CSV file of at most {MAX_CSV_ROWS:,} rows", reason="is longer")
            if any(len(cell) > MAX_CSV_FIELD_CHARS for cell in cells):
                where = f"{Path(path).name}:{reader.line_num}"
                raise InputError(where, shown, allowed, reason="holds a longer field")
            yield reader.line_num, cells
    except csv.Error as error:  # beyond the csv module's own field limit, or malformed
        where = f"{Path(path).name}:{reader.line_num}"
        raise InputError(where, shown, allowed, reason=f"is not valid CSV ({error})") from None
