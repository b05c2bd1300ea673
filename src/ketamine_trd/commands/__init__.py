"""The ``ktrd`` command groups, one module per area; ``ketamine_trd.cli`` registers them all.

Each module exposes ``register(app: typer.Typer) -> None``. Commands are thin shells: parse
options, call one function of the core or a service, print the result with
:func:`ketamine_trd.commands._output.emit`.
"""

MODULES: tuple[str, ...] = (
    "clinical",
    "measurement",
    "pharmacology",
    "analytics",
    "clinic",
    "interop",
    "security",
    "benefit",  # helper benefit: ktrd benefit (the exposure-to-benefit model); its module imports lazily
)
