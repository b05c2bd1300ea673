"""Scale-out on Dask: the same chunks as a local run, submitted to a cluster.

Each chunk is :func:`~ketamine_trd.pharmacology.population.run_chunk` with its own spawned seed,
and results are merged in chunk order, so the result equals :func:`run_population` for the same
request. Dask is imported lazily (``pip install 'ketamine-trd[dask]'``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ketamine_trd.errors import DependencyMissing
from ketamine_trd.pharmacology.population import PopulationRequest, PopulationResult, run_chunk, summarise

__all__ = ["run_population_dask"]


def _client(scheduler: Any) -> tuple[Any, bool]:
    try:
        from dask.distributed import Client
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise DependencyMissing("dask.distributed", "dask") from error
    if isinstance(scheduler, str):
        make: Any = Client
        return make(scheduler), True
    return scheduler, False


def run_population_dask(
    request: PopulationRequest, scheduler: Any, progress: Callable[[int], None] | None = None
) -> PopulationResult:
    """Run ``request`` on the Dask scheduler at ``scheduler`` (an address, or a ``Client``)."""
    client, owned = _client(scheduler)
    try:
        chunks = request.chunks()
        futures = [client.submit(run_chunk, request, size, seq, pure=False) for _, size, seq in chunks]
        parts = []
        for (_, size, _), future in zip(chunks, futures, strict=True):
            parts.append(future.result())
            if progress is not None:
                progress(size)
        return summarise(request, parts)
    finally:
        if owned:
            client.close()
