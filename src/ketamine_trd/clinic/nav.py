"""The site's navigation: each link with the action (``clinic.access``) its page needs; a role sees what it may open.

>>> [link.label for link in NAV_LINKS][:3]
['Dashboard', 'Patients', "Today's sessions"]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from ketamine_trd.clinic.access import can


@dataclass(frozen=True, slots=True)
class NavLink:
    """One link of the nav: its words, its URL name, and the action its page authorizes (None: any signed-in user)."""

    label: str
    url_name: str
    action: str | None


NAV_LINKS: tuple[NavLink, ...] = (
    NavLink("Dashboard", "measurement:dashboard", "dashboard.view"),
    NavLink("Patients", "records:patient_list", "patient.view"),
    NavLink("Today's sessions", "records:session_today", "session.list"),
    NavLink("Schedule", "scheduling:home", "schedule.view"),
    NavLink("REMS", "records:rems_list", "rems.view"),
    NavLink("Controlled log", "controlled:stock", "controlled.view"),
    NavLink("Alerts", "measurement:worklist", "measurement.view"),
    NavLink("Screens due", "measurement:screens_due", "measurement.view"),
    NavLink("Site settings", "site:settings", "site.view"),
    NavLink("Scheduling settings", "scheduling:settings", "schedule.configure"),
    NavLink("API", "api:openapi-view", None),
)


@dataclass(frozen=True, slots=True)
class ShownLink:
    """A link as the nav shows it to one user on one page."""

    label: str
    href: str
    current: bool


def links_for(user: Any, path: str) -> list[ShownLink]:
    """The links ``user`` may open (``can``), the one for ``path`` marked current; the admin site for staff."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    allowed = [link for link in NAV_LINKS if link.action is None or can(user, link.action)]
    shown = [(link.label, reverse(link.url_name)) for link in allowed]
    if getattr(user, "is_staff", False):
        shown.append(("Admin", reverse("admin:index")))
    return [ShownLink(label, href, _is_current(href, path)) for label, href in shown]


def _is_current(href: str, path: str) -> bool:
    return path == href if href == "/" else path.startswith(href)
