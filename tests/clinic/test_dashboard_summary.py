"""The dashboard's cached summaries: fresh for ``SUMMARY_CACHE_SECONDS``, then refreshed by ONE request while the
others show the previous value (no stampede of recomputations when a summary expires under load)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.core.cache import cache

from ketamine_trd.clinic.measurement import dashboard
from ketamine_trd.clinic.measurement.dashboard import SUMMARY_CACHE_SECONDS, _summary


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def _counting(values: list[Any]) -> tuple[list[int], Any]:
    calls = [0]

    def compute() -> Any:
        calls[0] += 1
        return values[calls[0] - 1]

    return calls, compute


def test_fresh_then_refreshed_once_stale() -> None:
    clock = Clock()
    calls, compute = _counting(["first", "second"])
    assert _summary("k", compute, clock=clock) == "first"
    clock.now += SUMMARY_CACHE_SECONDS - 1
    assert _summary("k", compute, clock=clock) == "first" and calls[0] == 1  # still fresh: not computed
    clock.now += 2
    assert _summary("k", compute, clock=clock) == "second" and calls[0] == 2  # stale: this caller refreshed it
    assert _summary("k", compute, clock=clock) == "second" and calls[0] == 2


def test_a_stale_value_is_shown_while_another_request_refreshes() -> None:
    clock = Clock()
    calls, compute = _counting(["first", "second"])
    _summary("k", compute, clock=clock)
    clock.now += SUMMARY_CACHE_SECONDS + 1
    assert cache.add("k:refreshing", clock.now, 30)  # another request holds the refresh
    assert _summary("k", compute, clock=clock) == "first" and calls[0] == 1
    cache.delete("k:refreshing")
    assert _summary("k", compute, clock=clock) == "second" and calls[0] == 2


def test_a_failed_refresh_gives_the_right_to_refresh_back() -> None:
    clock = Clock()
    _summary("k", lambda: "first", clock=clock)
    clock.now += SUMMARY_CACHE_SECONDS + 1

    def broken() -> Any:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        _summary("k", broken, clock=clock)
    assert cache.get("k:refreshing") is None
    assert _summary("k", lambda: "again", clock=clock) == "again"


def test_something_else_under_the_key_is_recomputed_not_misread() -> None:
    cache.set("k", {"not": "an entry"})
    assert _summary("k", lambda: "computed") == "computed"


def test_under_load_one_refresh_runs_and_every_caller_gets_an_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sixteen requests arrive while a slow summary is stale: one computes it, fifteen show the previous one."""
    clock = Clock()
    _summary("k", lambda: "old", clock=clock)
    clock.now += SUMMARY_CACHE_SECONDS + 1
    calls, started = [0], threading.Event()

    def slow() -> str:
        calls[0] += 1
        started.set()
        time.sleep(0.3)
        return "new"

    answers: list[Any] = []
    lock = threading.Lock()

    def ask() -> None:
        value = _summary("k", slow, clock=clock)
        with lock:
            answers.append(value)

    first = threading.Thread(target=ask)
    first.start()
    assert started.wait(5)
    others = [threading.Thread(target=ask) for _ in range(15)]
    for t in others:
        t.start()
    for t in [first, *others]:
        t.join(10)
    assert calls[0] == 1
    assert sorted(answers) == ["new"] + ["old"] * 15


def test_the_dashboard_reads_its_summaries_through_it() -> None:
    import inspect

    source = inspect.getsource(dashboard.build_dashboard)
    assert "get_or_set" not in source and source.count("_summary(") == 3
