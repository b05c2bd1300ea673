"""The ``ktrd`` command.

One Typer application; each area registers its commands from ``ketamine_trd.commands``.
Errors of the one error tree (``ketamine_trd.errors``) are mapped here, once, to an exit
code and a one-line message on stderr: never a traceback for bad input.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

import typer

try:  # Typer >= 0.20 ships its own copy of click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older Typer uses click itself
    from click import exceptions as click_exceptions  # type: ignore[no-redef]

from ketamine_trd import __version__
from ketamine_trd.commands import MODULES
from ketamine_trd.errors import KtrdError, exit_code_for

app = typer.Typer(
    name="ktrd",
    help="ketamine-trd: decision support and research tools for ketamine and esketamine in TRD. "
    "Decision support only; a clinician decides.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
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


for _name in MODULES:
    import_module(f"ketamine_trd.commands.{_name}").register(app)


def main(argv: list[str] | None = None) -> int:
    """Run ``ktrd``; returns the exit code (see ``ketamine_trd.errors``)."""
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
