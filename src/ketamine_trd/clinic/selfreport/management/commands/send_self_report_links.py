"""``manage.py send_self_report_links``: send the due questionnaire links and reminders (run it from cron)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from ketamine_trd.clinic.selfreport.schedule import send_due


class Command(BaseCommand):
    help = "Send the patient questionnaire links that are due, and one reminder for unanswered ones."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--base-url", default=getattr(settings, "KTRD_PUBLIC_URL", ""),
                            help="the address patients open (default: KTRD_PUBLIC_URL)")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["base_url"]:
            self.stderr.write("Set KTRD_PUBLIC_URL or pass --base-url (the address patients can reach).")
            raise SystemExit(2)
        report = send_due(now=timezone.now(), base_url=options["base_url"])
        self.stdout.write(
            f"sent {report.sent}, reminded {report.reminded}, due without e-mail {report.due_without_email}"
        )
