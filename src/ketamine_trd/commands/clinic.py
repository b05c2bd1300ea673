"""``ktrd`` commands of the clinic area: ``serve`` and ``demo``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer

from ketamine_trd.commands._output import console, emit, err_console

HOST = typer.Option("127.0.0.1", "--host", help="Address to listen on.")
PORT = typer.Option(8000, "--port", help="TCP port.")
DATA_DIR = typer.Option(
    None,
    "--data-dir",
    envvar="KTRD_DATA_DIR",
    help="Folder for the SQLite database and static files (default: a per-user data folder).",
)


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # nosec B104 - shown, not bound
    return f"http://{shown}:{port}/"


class SeedingProgress:
    """Shows the demo seeding on standard error: a Rich progress bar on a terminal, a plain line every tenth
    patient otherwise (a log or a pipe), so that a minute of seeding is never a silent minute."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._task: Any = None
        self._started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if not err_console.is_terminal:
            if done == 1 or done % 10 == 0 or done == total:
                err_console.print(f"Seeding the synthetic demo clinic: patient {done} of {total} "
                                  f"({time.monotonic() - self._started:.0f} s)")  # fmt: skip
            return
        if self._bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("patients"), TimeElapsedColumn(), console=err_console)  # fmt: skip
            self._bar.start()
            self._task = self._bar.add_task("Seeding the synthetic demo clinic", total=total)
        self._bar.update(self._task, completed=done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _render_demo(data: dict[str, Any]) -> None:
    console.print(f"[bold red]SYNTHETIC DEMO DATA[/] in {data['data_dir']}")
    console.print(data["message"])
    for login in data["logins"]:
        console.print(f"  {login['role']:<11} user [bold]{login['username']}[/]  password {login['password']}")
    if data.get("url"):
        console.print(f"Open {data['url']}  (Ctrl+C stops the server)")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``ktrd`` application."""

    @app.command("serve")
    def serve_command(
        host: str = HOST,
        port: int = PORT,
        data_dir: Path | None = DATA_DIR,
        threads: int = typer.Option(8, "--threads", min=1, max=64, help="Worker threads (in each worker process)."),
        workers: str = typer.Option(
            "auto",
            "--workers",
            metavar="auto|N",
            envvar="KTRD_WORKERS",
            help="Server processes sharing the port: auto (one per CPU core this process may use, at most 8; 1 "
            "where the platform cannot fork, e.g. Windows) or a number from 1 to 64. 1: a single process.",
        ),
        trusted_proxy: str | None = typer.Option(
            None,
            "--trusted-proxy",
            envvar="KTRD_TRUSTED_PROXY",
            help="Address of the TLS reverse proxy in front (e.g. 127.0.0.1): its X-Forwarded-Proto/-For/-Host "
            "are trusted, anyone else's dropped. See docs/security.md.",
        ),
    ) -> None:
        """Apply migrations, collect static files and serve the clinic application with waitress."""
        import os

        from ketamine_trd.clinic import runner

        runner.check_port(port)
        count = runner.check_workers(workers)
        if trusted_proxy:
            os.environ["KTRD_TRUSTED_PROXY"] = runner.check_proxy_address(trusted_proxy)
        folder = runner.prepare(data_dir, demo=False)
        runner.check_proxy_trust()
        processes = f" ({count} worker processes x {threads} threads)" if count > 1 else f" ({threads} threads)"
        console.print(f"ketamine-trd clinic: data in {folder}; serving {_url(host, port)}{processes}")
        runner.serve(host, port, threads=threads, workers=count)

    @app.command("demo")
    def demo_command(
        host: str = HOST,
        port: int = PORT,
        data_dir: Path | None = DATA_DIR,
        seed: int = typer.Option(20260301, "--seed", help="Seed of the synthetic clinic (fixed by default)."),
        patients: int = typer.Option(50, "--patients", min=4, max=2000, help="Number of synthetic patients."),
        no_serve: bool = typer.Option(False, "--no-serve", "--seed-only", help="Create the demo data and exit."),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """Create the synthetic demo clinic (once per data folder), print the logins, and serve it."""
        from ketamine_trd.clinic import runner

        runner.check_port(port)
        with err_console.status("Preparing the data folder (database tables, static files)..."):
            folder = runner.prepare(data_dir, demo=True)
        if not no_serve:
            runner.check_proxy_trust()
        from ketamine_trd.clinic import demo

        progress = SeedingProgress()
        try:
            result = demo.ensure_demo_clinic(seed=seed, patients=patients, progress=progress)
        finally:
            progress.close()
        data = {
            "data_dir": str(folder),
            "created": result.created,
            "message": result.message,
            "counts": result.counts,
            "logins": [{"role": r, "username": u, "password": p} for r, u, p in result.logins],
            "url": None if no_serve else _url(host, port),
        }
        emit(data, as_json, _render_demo)
        if not no_serve:
            runner.serve(host, port)
