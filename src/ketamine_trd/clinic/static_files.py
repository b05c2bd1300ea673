"""Static files: Plotly from its installed package, hashed and compressed by WhiteNoise, checked at start.

- :class:`PackageFileFinder` exposes files that installed packages ship (Plotly's ``plotly.min.js``) as static
  files (``vendor/plotly.min.js``), so they are collected, hashed and compressed like the app's own, and never
  copied into the repository.
- :class:`ClinicStaticStorage` is WhiteNoise's ``CompressedManifestStaticFilesStorage`` (hashed names, gzip, and
  brotli when the ``brotli`` package is installed) that compresses only the hashed names, and a hashed file only
  when its compressed copies are not there yet: the hash names the content, so a restart does not spend seconds
  on Plotly again.
- :func:`manifest_problems` lists what would fail as a 500 on a page (no manifest; a ``{% static %}`` name in a
  template, or a file a finder offers, that the manifest does not know); :func:`refuse_missing_static` raises it
  at start (``ktrd serve``/``ktrd demo`` after ``collectstatic``, and the WSGI entry point).
"""

from __future__ import annotations

import importlib.resources
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

#: static name -> (package, path inside the package): files that installed packages ship
PACKAGE_FILES: dict[str, tuple[str, str]] = {
    "vendor/plotly.min.js": ("plotly", "package_data/plotly.min.js"),
}
#: brotli's quality: 9 makes Plotly 1.23 MB in about 1 s of one core; 11 (brotli's default) 1.11 MB in 8-40 s,
#: a wait at every first start of a fresh data folder (and after each Plotly upgrade) for 10 % fewer bytes
BROTLI_QUALITY = 9
#: the suffixes WhiteNoise writes beside a compressed file
COMPRESSED_SUFFIXES = (".gz", ".br")
_STATIC_TAG = re.compile(r"""{%\s*static\s+["']([^"']+)["']\s*%}""")


def _package_path(package: str, inner: str) -> Path:
    return Path(str(importlib.resources.files(package))) / inner


class PackageFileFinder(BaseFinder):
    """A staticfiles finder for :data:`PACKAGE_FILES` (each file under its static name, from its package)."""

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:
        if path not in PACKAGE_FILES:
            return []  # Django's finders answer "not found" with an empty list, whatever find_all says
        found = str(_package_path(*PACKAGE_FILES[path]))
        return [found] if find_all else found

    def list(self, ignore_patterns: Iterable[str] | None) -> Iterator[tuple[str, FileSystemStorage]]:
        for name, (package, inner) in PACKAGE_FILES.items():
            source = _package_path(package, inner)
            # a storage rooted so that ``name`` resolves to the package's file (``vendor/`` is a prefix)
            prefix, _, filename = name.rpartition("/")
            storage = FileSystemStorage(location=str(source.parent))
            storage.prefix = prefix  # type: ignore[attr-defined]  # read by collectstatic and WhiteNoise
            if source.name == filename:
                yield filename, storage


class _Compressor(Compressor):
    """WhiteNoise's compressor with brotli at :data:`BROTLI_QUALITY`."""

    @staticmethod
    def compress_brotli(data: bytes) -> bytes:
        import brotli

        return bytes(brotli.compress(data, quality=BROTLI_QUALITY))


class ClinicStaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage; a hashed file whose compressed copies exist is not redone."""

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return _Compressor(**kwargs)

    def compress_files(self, paths: Iterable[str]) -> Iterator[tuple[str, str]]:
        """Compress the hashed names only (pages refer to nothing else), each once: the hash names the content."""
        hashed = set(self.hashed_files.values())
        suffixes = COMPRESSED_SUFFIXES if _brotli_installed() else COMPRESSED_SUFFIXES[:1]
        todo = [path for path in paths if path in hashed and not self._compressed(path, suffixes)]
        yield from super().compress_files(todo)

    def _compressed(self, name: str, suffixes: tuple[str, ...]) -> bool:
        """Each compressed copy of the hashed ``name`` exists (Django rewrites a hashed CSS or JS file on every
        run, so its time says nothing; its name says what is in it)."""
        return all(Path(f"{self.path(name)}{suffix}").exists() for suffix in suffixes)


def _brotli_installed() -> bool:
    from whitenoise.compress import brotli_installed

    return bool(brotli_installed)


def template_static_names() -> set[str]:
    """Every literal ``{% static "name" %}`` in the templates Django can load (project, apps, packages)."""
    from django.template import engines
    from django.template.backends.django import DjangoTemplates
    from django.template.loaders.filesystem import Loader as FileSystemLoader

    names: set[str] = set()
    for engine in engines.all():
        if not isinstance(engine, DjangoTemplates):
            continue
        for loader in engine.engine.template_loaders:
            for inner in getattr(loader, "loaders", [loader]):
                if not isinstance(inner, FileSystemLoader):
                    continue
                for folder in inner.get_dirs():
                    for path in Path(folder).rglob("*.html"):
                        names.update(_STATIC_TAG.findall(path.read_text(encoding="utf-8", errors="replace")))
    return names


def manifest_problems() -> list[str]:
    """What a page would fail on: no manifest, or names in templates and finders that it lacks (empty: fine).

    Only for a manifest storage (tests serve through the finders with Django's plain storage: nothing to check).
    """
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    storage = staticfiles_storage
    if not isinstance(storage, ManifestFilesMixin):
        return []
    stored, _hash = storage.load_manifest()
    if not stored:
        return [f"no static files manifest at {storage.path(storage.manifest_name)}: run collectstatic"]
    offered = {path.replace("\\", "/") for finder in finders.get_finders() for path in _listed(finder)}
    missing_offered = sorted(name for name in offered if name not in stored)
    missing_used = sorted(name for name in template_static_names() if name not in stored)
    problems = []
    if missing_used:
        problems.append(f"templates use static files that are not collected: {', '.join(missing_used)}")
    if missing_offered:
        shown = ", ".join(missing_offered[:10]) + (" …" if len(missing_offered) > 10 else "")
        problems.append(f"static files added since the last collectstatic (run it again): {shown}")
    return problems


def _listed(finder: Any) -> Iterator[str]:
    for path, storage in finder.list(["CVS", ".*", "*~"]):
        prefix = (getattr(storage, "prefix", None) or "").strip("/")
        yield f"{prefix}/{path}" if prefix else path


def refuse_missing_static() -> None:
    """Raise ``ImproperlyConfigured`` naming every :func:`manifest_problems` (Django set up)."""
    problems = manifest_problems()
    if problems:
        raise ImproperlyConfigured("refusing to start: " + "; ".join(problems))
