"""``ktrd serve --workers``: ``auto`` (the default) is one process per usable core, at most ``AUTO_WORKERS_MAX``,
and 1 where the platform cannot fork; a count is 1 to 64; anything else is refused naming the option."""

from __future__ import annotations

import pytest

from ketamine_trd.clinic import prefork, runner
from ketamine_trd.errors import InputError


@pytest.mark.parametrize(("cores", "expected"), [(1, 1), (2, 2), (6, 6), (8, 8), (96, runner.AUTO_WORKERS_MAX)])
def test_auto_is_one_worker_per_usable_core_capped(monkeypatch: pytest.MonkeyPatch, cores: int, expected: int) -> None:
    monkeypatch.setattr(runner.os, "sched_getaffinity", lambda _pid: set(range(cores)), raising=False)
    monkeypatch.setattr(prefork, "can_fork", lambda: True)
    assert runner.check_workers("auto") == expected
    assert runner.check_workers(" AUTO ") == expected


def test_auto_counts_the_affinity_mask_not_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A container or ``taskset`` limited to 2 of 64 cores gets 2 workers, not 8."""
    monkeypatch.setattr(runner.os, "sched_getaffinity", lambda _pid: {3, 5}, raising=False)
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 64)
    monkeypatch.setattr(prefork, "can_fork", lambda: True)
    assert runner.check_workers("auto") == 2


def test_auto_without_an_affinity_call_uses_the_cpu_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(runner.os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 3)
    monkeypatch.setattr(prefork, "can_fork", lambda: True)
    assert runner.check_workers("auto") == 3
    monkeypatch.setattr(runner.os, "cpu_count", lambda: None)
    assert runner.check_workers("auto") == 1


def test_auto_is_one_process_where_the_platform_cannot_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner.os, "sched_getaffinity", lambda _pid: set(range(8)), raising=False)
    monkeypatch.setattr(prefork, "can_fork", lambda: False)
    assert runner.check_workers("auto") == 1
    with pytest.raises(InputError) as refused:
        runner.check_workers("2")
    assert refused.value.field == "--workers"


@pytest.mark.parametrize("value", ["1", "2", "64", 3])
def test_a_count_is_taken_as_given(monkeypatch: pytest.MonkeyPatch, value: object) -> None:
    monkeypatch.setattr(prefork, "can_fork", lambda: True)
    assert runner.check_workers(value) == int(value)  # type: ignore[arg-type, call-overload]


@pytest.mark.parametrize("value", ["0", "65", "-1", "two", "", "2.5", "auto2", "1e3", "\x00"])
def test_anything_else_is_refused_naming_the_option(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setattr(prefork, "can_fork", lambda: True)
    with pytest.raises(InputError) as refused:
        runner.check_workers(value)
    assert refused.value.field == "--workers"
    assert "auto" in str(refused.value)
