"""Static files as ``ktrd serve`` serves them: collected with the manifest storage, hashed, compressed, cached.

The other tests serve static files through the finders (settings_test); here they are collected once into a
temporary folder with the production storage (``clinic.static_files.ClinicStaticStorage``) and served by
WhiteNoise from there, as after ``ktrd serve``'s collectstatic.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, override_settings

from ketamine_trd.clinic import static_files
from tests.clinic.builders import make_patient

PRODUCTION_STATIC = {
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "ketamine_trd.clinic.static_files.ClinicStaticStorage"},
    },
    "WHITENOISE_USE_FINDERS": False,
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """STATIC_ROOT collected once for the module (Plotly's 4.8 MB compressed: seconds, not per test)."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=str(root), **PRODUCTION_STATIC):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


def _get(path: str, encoding: str) -> Any:
    return Client().get(path, HTTP_ACCEPT_ENCODING=encoding)


def test_plotly_bundle_goes_out_gzipped_with_an_immutable_cache_header(collected: Path) -> None:
    url = static("vendor/plotly.min.js")
    assert url != "/static/vendor/plotly.min.js" and url.endswith(".js"), url  # a hashed name
    response = _get(url, "gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    body = gzip.decompress(b"".join(response.streaming_content))
    source = static_files._package_path(*static_files.PACKAGE_FILES["vendor/plotly.min.js"]).read_bytes()
    assert body == source  # Plotly's own file, from the installed package
    assert int(response["Content-Length"]) < len(source) / 2


def test_without_accept_encoding_the_bundle_goes_out_plain(collected: Path) -> None:
    response = _get(static("vendor/plotly.min.js"), "identity")
    assert response.status_code == 200 and "Content-Encoding" not in response


def test_brotli_when_the_browser_takes_it(collected: Path) -> None:
    pytest.importorskip("brotli", reason="brotli not installed: gzip only")
    response = _get(static("vendor/plotly.min.js"), "gzip, deflate, br")
    assert response["Content-Encoding"] == "br"


def test_unhashed_name_is_not_cached_forever(collected: Path) -> None:
    response = _get("/static/clinic/clinic.css", "gzip")
    assert response.status_code == 200 and "immutable" not in response["Cache-Control"]


def test_old_plotly_address_redirects_to_the_collected_file(collected: Path, people: Any) -> None:
    response = people.client("nurse").get("/vendor/plotly.min.js")
    assert response.status_code == 302 and response["Location"] == static("vendor/plotly.min.js")


def test_chart_page_names_the_hashed_bundle(collected: Path, people: Any) -> None:
    patient = make_patient(people.clinic)
    from django.utils import timezone

    from ketamine_trd.clinic.measurement import services

    # a score: the page draws it at once and offers the interactive chart (Plotly loaded on request)
    services.record_assessment(people.nurse, patient.pk, "phq9", {f"q{i}": 2 for i in range(1, 10)} | {"q9": 0},
                               administered_at=None, now=timezone.now())  # fmt: skip
    body = people.client("nurse").get(f"/patients/{patient.pk}/measurement/").content.decode()
    assert static("vendor/plotly.min.js") in body and "/static/vendor/plotly.min.js" not in body


def test_collected_files_leave_no_manifest_problem(collected: Path) -> None:
    assert static_files.manifest_problems() == []
    static_files.refuse_missing_static()  # does not raise


def test_a_restart_does_not_compress_the_bundle_again(collected: Path) -> None:
    hashed = collected / static("vendor/plotly.min.js").removeprefix("/static/")
    before = Path(f"{hashed}.gz").stat().st_mtime_ns
    call_command("collectstatic", interactive=False, verbosity=0)
    assert Path(f"{hashed}.gz").stat().st_mtime_ns == before


def test_no_manifest_refuses_the_start(tmp_path: Path) -> None:
    with override_settings(STATIC_ROOT=str(tmp_path), **PRODUCTION_STATIC):
        with pytest.raises(ImproperlyConfigured, match="no static files manifest.*run collectstatic"):
            static_files.refuse_missing_static()


def test_a_template_naming_an_uncollected_file_refuses_the_start(collected: Path, tmp_path: Path) -> None:
    (tmp_path / "broken.html").write_text("{% load static %}<link href=\"{% static 'clinic/gone.css' %}\">")
    from django.conf import settings

    templates = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], str(tmp_path)]}]
    with override_settings(TEMPLATES=templates):
        with pytest.raises(ImproperlyConfigured, match="clinic/gone.css"):
            static_files.refuse_missing_static()


def test_a_file_added_after_collecting_refuses_the_start(collected: Path, tmp_path: Path) -> None:
    (tmp_path / "late.js").write_text("// added after collectstatic\n")
    from django.conf import settings

    with override_settings(STATICFILES_DIRS=[*settings.STATICFILES_DIRS, str(tmp_path)]):
        with pytest.raises(ImproperlyConfigured, match="late.js"):
            static_files.refuse_missing_static()


def test_the_finder_serves_plotly_from_its_package() -> None:
    from django.contrib.staticfiles import finders

    found = finders.find("vendor/plotly.min.js")
    assert found and Path(found).name == "plotly.min.js" and "plotly" in Path(found).parts
    assert finders.find("vendor/other.js") is None


def test_ktrd_serve_maps_a_missing_static_file_to_a_refused_start(monkeypatch: pytest.MonkeyPatch) -> None:
    from ketamine_trd.clinic import runner
    from ketamine_trd.errors import InputError

    monkeypatch.setattr(static_files, "manifest_problems", lambda: ["templates use ... clinic/gone.css"])
    with pytest.raises(InputError, match="clinic/gone.css"):
        runner._refuse_missing_static("production")
