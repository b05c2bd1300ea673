"""The CLI maps the error tree once: bad input exits 2 with one line, never a traceback."""

from __future__ import annotations

import subprocess
import sys

from ketamine_trd import errors
from ketamine_trd.cli import main


def test_version(capsys) -> None:
    assert main(["--version"]) == 0
    assert "ketamine-trd" in capsys.readouterr().out


def test_unknown_option_is_a_usage_error() -> None:
    assert main(["--no-such-option"]) == 2


def test_error_table_covers_every_error_class() -> None:
    for cls in (errors.InputError, errors.UnitError, errors.UnknownTermError):
        assert errors.exit_code_for(cls("f", 1, "x")) == 2
        assert errors.http_status_for(cls("f", 1, "x")) == 422
    assert errors.exit_code_for(errors.NotFoundError("x")) == 3
    assert errors.exit_code_for(errors.ConflictError("x")) == 4
    assert errors.exit_code_for(errors.PermissionDenied("x")) == 5
    assert errors.exit_code_for(errors.DependencyMissing("jax", "jax")) == 6
    assert errors.exit_code_for(errors.IntegrityFailure("x")) == 7
    assert errors.http_status_for(errors.PermissionDenied("x")) == 403


def test_console_script_runs() -> None:
    out = subprocess.run([sys.executable, "-m", "ketamine_trd", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "ktrd" in out.stdout
