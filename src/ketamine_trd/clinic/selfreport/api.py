"""The self-report router of the one NinjaAPI (mounted at ``/api/self-report/``): issue a link, read its status.

The link's URL (with its token) is in the answer to the request that created it and nowhere else: the status
route never returns it (ADR 0016: only the token's hash is kept). Roles are the staff page's: issuing needs
``measurement.enter``, reading ``measurement.view``; another clinic's patient or link is 404.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from ketamine_trd.clinic.inputs import InputSchema, schema_for
from ketamine_trd.clinic.selfreport import services
from ketamine_trd.clinic.selfreport.models import ReportLink
from ketamine_trd.clinic.selfreport.views import _base  # the staff page's public address of a link
from ketamine_trd.clinical.inputs.self_report import ReportLinkInput

router = Router(tags=["self-report"])

if TYPE_CHECKING:  # a generated class: mypy sees what it is
    ReportLinkIn: TypeAlias = InputSchema
else:  # the input is the core's (clinical.inputs.self_report); the outputs list their fields
    ReportLinkIn = schema_for(ReportLinkInput, "ReportLinkIn")

LinkStatus = Literal["pending", "sent", "used", "expired", "revoked", "locked"]


class LinkStatusOut(Schema):
    """A link's state, never its token or URL."""

    link_id: int
    patient_id: int
    instrument_ids: list[str]
    channel: str
    status: LinkStatus
    created_at: dt.datetime
    expires_at: dt.datetime
    sent_at: dt.datetime | None
    used_at: dt.datetime | None


class IssuedLinkOut(LinkStatusOut):
    """The new link: ``url`` is shown this once (only the token's hash is kept)."""

    url: str


def _status(link: ReportLink, now: dt.datetime) -> dict[str, Any]:
    return {
        "link_id": link.pk,
        "patient_id": link.patient_id,
        "instrument_ids": list(link.instrument_ids),
        "channel": link.channel,
        "status": services.api_status(link, now),
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "sent_at": link.sent_at,
        "used_at": link.used_at,
    }


@router.post("/patients/{patient_id}/links", response={201: IssuedLinkOut})
def issue_link(request: HttpRequest, patient_id: int, payload: ReportLinkIn) -> Status[dict[str, Any]]:
    """Create a single-use questionnaire link for the patient (e-mailed when ``email``); its URL is shown once."""
    data = payload.to_input()
    now = timezone.now()
    issued = services.issue_link(request, patient_id, data.ordered, now=now, email=data.email, base_url=_base(request))
    return Status(201, _status(issued.link, now) | {"url": f"{_base(request)}{services.link_path(issued.token)}"})


@router.get("/links/{link_id}", response=LinkStatusOut)
def link_status(request: HttpRequest, link_id: int) -> dict[str, Any]:
    """A link's status (pending, sent, used, expired, revoked, locked); never its token."""
    return _status(services.get_link(request, link_id), timezone.now())
