"""Plain JSON values from the project's result types: one conversion shared by the CLI and the clinic.

Neither edge owns it: the clinic stores REMS fields with it and the CLI prints ``--json`` with it, and the clinic
must not import the CLI (``.importlinter``).

>>> import datetime as dt
>>> from decimal import Decimal
>>> to_jsonable({"dose_mg": Decimal("56"), "on": dt.date(2026, 1, 5), "left": float("nan")})
{'dose_mg': 56.0, 'on': '2026-01-05', 'left': None}
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any


def to_jsonable(value: Any) -> Any:
    """Convert dataclasses, dates, enums, Decimals, NumPy scalars and paths into JSON values.

    Decimals become floats (units stay in the field names), non-finite floats become ``None``.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, Decimal):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and callable(value.item):  # NumPy scalar
        return to_jsonable(value.item())
    return value
