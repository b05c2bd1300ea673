# mypy: disable-error-code="untyped-decorator"
"""The benefit model's clinic page: the calibration table (one click from every estimate)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ketamine_trd.clinic.benefit.calibration_page import calibration_page


@require_GET
@login_required
def calibration(request: HttpRequest) -> HttpResponse:
    return render(request, "benefit/calibration.html", {"page": calibration_page()})
