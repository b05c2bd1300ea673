"""Shared fixtures: synthetic registries generated once per session (fixed seeds)."""

from __future__ import annotations

from typing import Any

import pytest

from ketamine_trd.analytics.synth import generate_registry


@pytest.fixture(scope="session")
def small_registry() -> Any:
    return generate_registry(400, seed=11)


@pytest.fixture(scope="session")
def large_frames() -> dict[str, Any]:
    """Large enough for the recovery tolerances below (about 2 minutes of CPU in all tests)."""
    return generate_registry(8000, seed=2024).to_frames()


@pytest.fixture(scope="session")
def export_dir(tmp_path_factory: pytest.TempPathFactory, small_registry: Any) -> Any:
    from ketamine_trd.analytics.registry_io import write_registry

    out = tmp_path_factory.mktemp("export")
    write_registry(small_registry.frames, out, "csv", synthetic=True)
    return out
