"""One error mapping at the web edge (issue 18): pages, the API and the write edge answer every error of the tree
with the status of ``errors.HTTP_STATUS`` and the same body; no view maps errors by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory

from ketamine_trd import errors
from ketamine_trd.clinic import api, edge
from tests.clinic.builders import make_patient

SAMPLES: list[errors.KtrdError] = [
    errors.InputError("dose_mg", "1e10", "0.01 to 1000 mg"),
    errors.CheckRefused("override_reason", "", "a reason of at least 15 characters"),
    errors.UnknownTermError("product", "x", "esketamine-nasal, ketamine-iv"),
    errors.NotFoundError("patient 9 not found"),
    errors.ConflictError("already signed"),
    errors.StaleVersion("session 1", 2, 3),
    errors.PermissionDenied("not allowed"),
    errors.Busy("busy"),
    errors.KtrdError("unexpected"),
]


@pytest.mark.parametrize("error", SAMPLES, ids=lambda e: type(e).__name__)
def test_pages_and_the_api_answer_an_error_with_the_trees_status_and_body(error: errors.KtrdError) -> None:
    status = errors.http_status_for(error)
    request = RequestFactory().get("/api/x")
    from_api = api._domain_error(request, error)
    from_edge = edge.ErrorTreeMiddleware(lambda r: None).process_exception(request, error)  # type: ignore[arg-type,return-value]
    assert from_edge is not None
    assert from_api.status_code == from_edge.status_code == status
    assert json.loads(from_api.content) == json.loads(from_edge.content) == edge.error_body(error)


def test_no_view_maps_the_error_tree_by_hand() -> None:
    clinic = Path(edge.__file__).parent
    hand_mapped = [str(p.relative_to(clinic)) for p in clinic.rglob("*.py")
                   if "Http404(" in p.read_text() or "DjangoPermissionDenied(" in p.read_text()]  # fmt: skip
    assert hand_mapped == []


@pytest.mark.django_db
def test_a_record_of_another_clinic_and_a_refused_role_are_404_and_403_pages(people: Any) -> None:
    foreign = make_patient(people.outsider.clinic)
    page = people.client("nurse").get(f"/patients/{foreign.pk}/")
    assert page.status_code == 404 and "Page not found" in page.content.decode()
    own = make_patient(people.clinic)
    refused = people.client("front_desk").get(f"/patients/{own.pk}/courses/new/")
    assert refused.status_code == 403 and "Not allowed" in refused.content.decode()
