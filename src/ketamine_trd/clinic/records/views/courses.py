"""Courses: plan, open, change phase."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ketamine_trd.clinic.access import require_role


@require_http_methods(["GET", "POST"])
@require_role("course.plan")
def course_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    return render(request, "records/course_form.html", {})


@require_GET
@require_role("course.view")
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    return render(request, "records/course_detail.html", {})


@require_POST
@require_role("course.change_phase")
def course_phase(request: HttpRequest, course_id: int) -> HttpResponse:
    return render(request, "records/course_detail.html", {})
