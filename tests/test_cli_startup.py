"""``ktrd`` starts at once: commands load on demand, help is unchanged, plain options need no pydantic.

Start-up CPU time itself is measured by ``bench/bench_cli.py`` (never a timed assert here); these tests
check what makes it fast and that nothing else changed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from typer import _coercion
from typer import core as typer_core
from typer.testing import CliRunner

from ketamine_trd import cli
from ketamine_trd.commands import INDEX, MODULES, _params

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def _eager_app() -> typer.Typer:
    """The application as it was built before: every module registered up front."""
    app = typer.Typer(
        name="ktrd",
        help=cli.app.info.help,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(cli._root)
    for module in MODULES:
        import_module(f"ketamine_trd.commands.{module}").register(app)
    return app


def _help(command: Any, args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    try:
        command.main(args=args, prog_name="ktrd", standalone_mode=False)
    except typer.Exit:
        pass
    return capsys.readouterr().out


def test_index_lists_every_registered_command_with_its_help() -> None:
    registered = {}
    for module in MODULES:
        holder = typer.Typer()
        import_module(f"ketamine_trd.commands.{module}").register(holder)
        for name, command in typer.main.get_group(holder).commands.items():
            registered[name] = (module, command.help)
    assert {e.name: (e.module, e.help) for e in INDEX} == registered
    assert set(MODULES) == {e.module for e in INDEX}


def test_help_is_the_same_as_the_eagerly_built_application(capsys: pytest.CaptureFixture[str]) -> None:
    lazy = _help(typer.main.get_command(cli.app), ["--help"], capsys)
    eager = _help(typer.main.get_command(_eager_app()), ["--help"], capsys)
    assert lazy == eager
    for entry in INDEX:
        assert entry.name in lazy
    assert cli.main(["--help"]) == 0
    assert capsys.readouterr().out == eager


@pytest.mark.parametrize("args", [["dose", "--help"], ["simulate", "--help"], ["course", "esketamine", "--help"]])
def test_group_and_command_help_is_unchanged(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    eager = _help(typer.main.get_command(_eager_app()), args, capsys)
    assert cli.main(args) == 0
    assert capsys.readouterr().out == eager


def _every_command_path() -> list[list[str]]:
    group = cli.load_all(typer.main.get_command(cli.app))  # type: ignore[arg-type]
    paths: list[list[str]] = []

    def walk(command: Any, prefix: list[str]) -> None:
        paths.append(prefix)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*prefix, name])

    for name, command in group.commands.items():
        walk(command, [name])
    return paths


@pytest.mark.parametrize("path", _every_command_path(), ids=" ".join)
def test_every_command_still_loads_and_shows_its_help(path: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([*path, "--help"]) == 0
    assert "Usage: ktrd " + " ".join(path) in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize(
    "args",
    [
        ["score", "phq9", "--answers", "2,2,1,2,1,1,1,0,1", "--json"],
        ["dose", "esketamine", "--session-number", "1", "--json"],
        ["dose", "ketamine-iv", "--weight-kg", "70", "--mg-per-kg", "0.5", "--bag-ml", "100", "--json"],
        ["trd", "--history", str(EXAMPLES / "history.json"), "--json"],
        ["screen", "--profile", str(EXAMPLES / "profile.json"), "--product", "esketamine-nasal", "--json"],
        ["course", "esketamine", "--start", "2026-01-05", "--oral-antidepressant", "sertraline", "--json"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_common_commands_import_neither_pydantic_nor_other_command_modules(args: list[str]) -> None:
    """In a fresh interpreter: the command runs, and only its own module is imported."""
    code = (
        "import json, sys; from ketamine_trd.cli import main; rc = main(sys.argv[1:]);"
        "print(json.dumps([rc, sorted(m for m in sys.modules if m.startswith(('pydantic', 'ketamine_trd.commands.',"
        " 'rich.markdown', 'ketamine_trd.clinical.courses', 'numba', 'django')))]))"
    )
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True).stdout
    rc, modules = json.loads(out.strip().splitlines()[-1])
    assert rc == 0
    own = {f"ketamine_trd.commands.{e.module}" for e in INDEX if e.name == args[0]}
    allowed = own | {f"ketamine_trd.commands.{m}" for m in ("_output", "_params", "_files", "_numbers")}
    allowed |= {"ketamine_trd.commands._measurement_io"} if args[0] == "score" else set()
    allowed |= {m for m in modules if m.startswith("ketamine_trd.clinical.courses")} if args[0] == "course" else set()
    assert set(modules) <= allowed


def test_help_imports_no_command_module_and_no_markdown() -> None:
    code = (
        "import sys; from ketamine_trd.cli import main; main(['--help']);"
        "print(sorted(m for m in sys.modules if m.startswith(('ketamine_trd.commands.', 'rich.markdown', 'pydantic'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "['ketamine_trd.commands._params']"


def test_markdown_stand_in_builds_the_real_markdown() -> None:
    """typer.rich_utils loaded through the stand-in still renders Markdown (for markup mode "markdown")."""
    code = (
        "import sys; from ketamine_trd import cli; cli.help_renderer_without_markdown();"
        "from typer import rich_utils; m = rich_utils.Markdown('**x**');"
        "import rich.markdown; print(type(m) is rich.markdown.Markdown, sys.modules['rich.markdown'] is rich.markdown)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True"]


# ---- plain option values: the same values and errors as Typer's pydantic adapter ----------------------------

CASES: list[tuple[Any, list[str]]] = [
    (int, ["42"]),
    (int, ["-3"]),
    (int, ["+3"]),
    (int, [" 7 "]),
    (int, ["1.5"]),
    (int, ["1_000"]),
    (int, ["abc"]),
    (int, [""]),
    (float, ["1.5"]),
    (float, ["2"]),
    (float, ["1e3"]),
    (float, [".5"]),
    (float, ["-0.25E-2"]),
    (float, ["inf"]),
    (float, ["nan"]),
    (float, ["1,5"]),
    (float, ["abc"]),
    (float | None, []),
    (float | None, ["3"]),
    (str, ["abc"]),
    (str, [""]),
    (str | None, []),
    (Path, ["docs/examples/history.json"]),
    (Path, [""]),
    (Path | None, []),
    (list[float], ["1", "2.5"]),
    (list[float], ["1", "bad"]),
    (list[float] | None, []),
    (list[Path], ["a.json", "b.json"]),
]


def _invoke(annotation: Any, values: list[str]) -> tuple[int, str]:
    app = typer.Typer()

    def command(x: Any = None) -> None:
        typer.echo(repr(x))

    command.__annotations__["x"] = Annotated[annotation, typer.Option("--x")]
    app.command()(command)
    args = [part for v in values for part in ("--x", v)]
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


@pytest.mark.parametrize(("annotation", "values"), CASES, ids=lambda v: repr(v))
def test_plain_coercion_equals_typers_adapter(
    annotation: Any, values: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _coercion.build_runtime_param
    plain = _params.plain_build(original)
    assert plain is not None
    monkeypatch.setattr(typer_core, "build_runtime_param", original)
    expected = _invoke(annotation, values)
    monkeypatch.setattr(typer_core, "build_runtime_param", plain)
    assert _invoke(annotation, values) == expected


def test_path_options_keep_typers_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``exists=True`` and friends still refuse a missing file (Typer's own path checks run)."""
    original = _coercion.build_runtime_param
    monkeypatch.setattr(typer_core, "build_runtime_param", _params.plain_build(original))
    app = typer.Typer()

    @app.command()
    def command(x: Annotated[Path, typer.Option("--x", exists=True, dir_okay=False)]) -> None:
        typer.echo(repr(x))

    assert CliRunner().invoke(app, ["--x", str(tmp_path / "missing.json")]).exit_code == 2
    (tmp_path / "there.json").write_text("{}")
    ok = CliRunner().invoke(app, ["--x", str(tmp_path / "there.json")])
    assert ok.exit_code == 0 and "there.json" in ok.output
    assert CliRunner().invoke(app, ["--x", str(tmp_path)]).exit_code == 2  # a folder, not a file


def test_install_is_idempotent_and_reversible_by_typer() -> None:
    assert _params.install_plain_coercion()
    assert _params.install_plain_coercion()
    assert getattr(typer_core.build_runtime_param, "_ktrd_plain", False)
