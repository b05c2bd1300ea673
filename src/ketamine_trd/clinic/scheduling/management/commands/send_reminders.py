"""``manage.py send_reminders [--hours 24]``: e-mail the reminders of sessions due within the window."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from ketamine_trd.clinic.scheduling.reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail a reminder of each booked session starting within --hours (default 24), once per booking."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24, choices=range(1, 169), metavar="1-168")

    def handle(self, *args: Any, **options: Any) -> None:
        run = send_reminders(now=timezone.now(), ahead=dt.timedelta(hours=options["hours"]))
        self.stdout.write(f"{run.sent} reminders sent; {run.no_email} bookings without an e-mail address")
