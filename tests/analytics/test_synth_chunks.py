"""ktrd synth and generate_registry give the same registry for the same seed, whatever the chunk size (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ketamine_trd.analytics.synth import RNG_BLOCK, generate_registry
from ketamine_trd.cli import main

N = RNG_BLOCK + 40  # past one block: where the CLI's 5,000-patient chunks used to diverge


def test_chunk_size_does_not_change_the_registry() -> None:
    a = generate_registry(N, 11, chunk_size=5_000).frames["courses"]
    b = generate_registry(N, 11, chunk_size=20_000).frames["courses"]
    pd.testing.assert_frame_equal(a, b)


def test_cli_synth_reproduces_generate_registry_and_records_what_determines_it(tmp_path: Path) -> None:
    assert main(["synth", "--out", str(tmp_path), "--patients", str(N), "--seed", "11", "--json"]) == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["n_patients"] == N and manifest["rng_block_patients"] == RNG_BLOCK
    assert {"numpy_version", "ketamine_trd_version", "rng"} <= set(manifest)
    written = pd.read_csv(tmp_path / "courses.csv")
    expected = generate_registry(N, 11).frames["courses"]
    assert written["course_id"].tolist() == expected["course_id"].tolist()
    assert written["maudsley_score"].tolist() == expected["maudsley_score"].tolist()
    assert written["product"].tolist() == expected["product"].tolist()
