"""How long a session holds its chair, and the fixed-length slots that a booking occupies.

A chair is held from check-in to the end of the minimum observation:

- **Esketamine (SPRAVATO)**: the patient is observed for at least 2 hours from the first device (label boxed warning
  and REMS, S6; the monitoring profile's ``minimum_observation_minutes``). The devices (5 minutes' rest after each,
  spravato-hcp-dosing) are given inside that window, so they add nothing.
- **IV ketamine**: the studied infusion lasts 40 minutes (0.5 mg/kg over 40 min, S23); the observation after it has
  no published length (NF): the IV profile's 120 minutes from the start of the infusion are site configuration
  (by analogy with the REMS, S6), so the chair is held for the longer of infusion and observation.
- **Check-in** (pre-dose checklist and vitals) before dosing: 15 minutes, a site decision.

Bookings are whole slots of :data:`SLOT_MINUTES` (a site decision); the block is rounded up to whole slots.

>>> block = chair_block(observation_minutes=120, infusion_minutes=40)
>>> block.minutes, block.slots
(135, 9)
>>> import datetime as dt
>>> starts = slot_starts(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), block)
>>> starts[0].strftime("%H:%M"), starts[-1].strftime("%H:%M"), len(starts)
('09:00', '11:00', 9)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ketamine_trd.errors import InputError

__all__ = ["CHECK_IN_MINUTES", "IV_INFUSION_MINUTES", "SLOT_MINUTES", "ChairBlock", "chair_block", "slot_starts"]

#: the length of one bookable slot (site decision: quarter hours)
SLOT_MINUTES = 15
#: check-in, pre-dose checklist and vitals before dosing (site decision)
CHECK_IN_MINUTES = 15
#: the studied IV infusion: 0.5 mg/kg over 40 minutes (S23, protocols-and-monitoring.md §1.1, confidence H)
IV_INFUSION_MINUTES = 40


@dataclass(frozen=True, slots=True)
class ChairBlock:
    """The chair time of one session: check-in, then the longer of dosing and observation, in whole slots."""

    check_in_minutes: int
    dosing_minutes: int
    observation_minutes: int
    slots: int

    @property
    def minutes(self) -> int:
        return self.slots * SLOT_MINUTES

    def why(self) -> str:
        """The block in words, as the booking page shows it."""
        held = max(self.dosing_minutes, self.observation_minutes)
        dosing = f"{self.dosing_minutes} min infusion (S23) and " if self.dosing_minutes else ""
        return (f"{self.minutes} min: {self.check_in_minutes} min check-in (site decision) + {held} min for the "
                f"longer of {dosing}{self.observation_minutes} min observation from the start of dosing "
                "(the course's monitoring profile)")  # fmt: skip


def chair_block(*, observation_minutes: int, infusion_minutes: int = 0,
                check_in_minutes: int = CHECK_IN_MINUTES) -> ChairBlock:  # fmt: skip
    """The chair block for a session observed ``observation_minutes`` from its first dose.

    >>> chair_block(observation_minutes=120).minutes
    135
    >>> chair_block(observation_minutes=0)
    Traceback (most recent call last):
    ...
    ketamine_trd.errors.InputError: observation_minutes: 0 is not allowed (allowed: 1 to 720 minutes)
    """
    for name, value, low in (("observation_minutes", observation_minutes, 1), ("infusion_minutes", infusion_minutes, 0),
                             ("check_in_minutes", check_in_minutes, 0)):  # fmt: skip
        if not low <= value <= 720:
            raise InputError(name, value, f"{low} to 720 minutes")
    total = check_in_minutes + max(infusion_minutes, observation_minutes)
    return ChairBlock(check_in_minutes, infusion_minutes, observation_minutes, -(-total // SLOT_MINUTES))


def slot_starts(start: dt.datetime, block: ChairBlock) -> tuple[dt.datetime, ...]:
    """The start of every slot the block holds from ``start`` (aware, on a slot boundary).

    >>> slot_starts(dt.datetime(2026, 3, 2, 9, 5, tzinfo=dt.UTC), chair_block(observation_minutes=10))
    Traceback (most recent call last):
    ...
    ketamine_trd.errors.InputError: start_time: '09:05' is not allowed (allowed: a time on a 15-minute boundary)
    """
    if start.tzinfo is None:
        raise InputError("start_time", start.isoformat(), "a time with a time zone")
    if start.minute % SLOT_MINUTES or start.second or start.microsecond:
        raise InputError("start_time", start.strftime("%H:%M"), f"a time on a {SLOT_MINUTES}-minute boundary")
    step = dt.timedelta(minutes=SLOT_MINUTES)
    return tuple(start + step * i for i in range(block.slots))
