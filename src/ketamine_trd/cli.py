"""The ``ktrd`` command.

One Typer application whose commands load on demand: ``ketamine_trd.commands.INDEX`` names every
top-level command, its module and its help line, so ``ktrd --help`` lists them all without
importing any, and ``ktrd score ...`` imports only the measurement commands (and what they
use). Parameters of plain types are converted without pydantic (``commands._params``). Errors of
the one error tree (``ketamine_trd.errors``) are mapped here, once, to an exit code and a
one-line message on stderr: never a traceback for bad input.
"""

from __future__ import annotations

import os
import sys
import types
from importlib import import_module
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

try:  # Typer >= 0.20 ships its own copy of click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older Typer uses click itself
    from click import exceptions as click_exceptions  # type: ignore[no-redef]

from ketamine_trd import __version__
from ketamine_trd.commands import INDEX, MODULES, module_of
from ketamine_trd.commands._params import install_plain_coercion
from ketamine_trd.errors import KtrdError, exit_code_for

__all__ = ["LazyGroup", "app", "load_all", "main"]


class LazyGroup(TyperGroup):
    """The root group: lists ``INDEX`` without imports; imports a command's module when it is used."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        names = [entry.name for entry in INDEX]
        return names + [name for name in super().list_commands(ctx) if name not in names]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            entry = next((e for e in INDEX if e.name == cmd_name), None)
            if entry is not None and self._listing:  # the help listing: name and help line only
                return TyperCommand(entry.name, help=entry.help)
            module = module_of(cmd_name)
            if module is not None:
                self.load(module)
        return super().get_command(ctx, cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def load(self, module: str) -> None:
        """Register the commands of ``ketamine_trd.commands.<module>`` on this group."""
        holder = typer.Typer()
        import_module(f"ketamine_trd.commands.{module}").register(holder)
        for name, command in typer.main.get_group(holder).commands.items():
            self.add_command(command, name)


app = typer.Typer(
    name="ktrd",
    help="ketamine-trd: decision support and research tools for ketamine and esketamine in TRD. "
    "Decision support only; a clinician decides.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=LazyGroup,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ketamine-trd {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """ketamine-trd command line."""


def help_renderer_without_markdown() -> None:
    """Import Typer's Rich help renderer without importing Markdown support (markdown-it, about 60 ms).

    ``typer.rich_utils`` imports ``rich.markdown`` at the top but builds a ``Markdown`` only for
    ``rich_markup_mode="markdown"``, which ``ktrd`` does not use. While it loads, a stand-in
    module gives it a ``Markdown`` that builds the real one if it is ever called; the stand-in is
    removed at once, so any later ``import rich.markdown`` gets the real module.
    """
    if "typer.rich_utils" in sys.modules or "rich.markdown" in sys.modules:
        return
    stand_in = types.ModuleType("rich.markdown")

    class Markdown:
        """Builds a real ``rich.markdown.Markdown``."""

        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            return import_module("rich.markdown").Markdown(*args, **kwargs)

    stand_in.Markdown = Markdown  # type: ignore[attr-defined]
    sys.modules["rich.markdown"] = stand_in
    try:
        import_module("typer.rich_utils")
    finally:
        if sys.modules.get("rich.markdown") is stand_in:
            del sys.modules["rich.markdown"]


def load_all(group: LazyGroup) -> LazyGroup:
    """Load every command module into ``group`` (for tests and documentation tools)."""
    for module in MODULES:
        group.load(module)
    return group


def main(argv: list[str] | None = None) -> int:
    """Run ``ktrd``; returns the exit code (see ``ketamine_trd.errors``)."""
    install_plain_coercion()
    args = sys.argv[1:] if argv is None else argv
    if not args or "--help" in args:
        help_renderer_without_markdown()
    command = typer.main.get_command(app)
    for stream in (sys.stdout, sys.stderr):  # a value that cannot be encoded is escaped, never a traceback
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    # every file ktrd creates (database, backups, exports) is its owner's only: 0600 files, 0700 folders
    previous_umask = os.umask(0o077)
    try:
        command.main(args=argv, prog_name="ktrd", standalone_mode=False)
    except KtrdError as error:
        message = " ".join(str(error).split()).encode("utf-8", "backslashreplace").decode("utf-8")
        print(f"error: {message}", file=sys.stderr)  # noqa: T201
        return exit_code_for(error)
    except typer.Abort:
        print("aborted", file=sys.stderr)  # noqa: T201
        return 130
    except click_exceptions.ClickException as error:
        error.show()
        return error.exit_code
    except typer.Exit as done:
        return done.exit_code
    except Exception as error:  # a bug, not bad input: one line, no traceback (KTRD_TRACEBACK=1 shows it)
        if os.environ.get("KTRD_TRACEBACK") == "1":
            raise
        print(f"error: internal error ({type(error).__name__}); please report it", file=sys.stderr)  # noqa: T201
        return 1
    finally:
        os.umask(previous_umask)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
