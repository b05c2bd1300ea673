"""WSGI entry point (served by waitress through ``ktrd serve``, or by another WSGI server).

It refuses to serve when the system checks of ``clinic.checks`` find a problem (a production start with the
development secret key, ``DEBUG``, a missing security control), as ``ktrd serve`` does.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketamine_trd.clinic.settings")

application = get_wsgi_application()

from ketamine_trd.clinic.checks import refuse_unsafe_start  # noqa: E402  (needs Django set up)

refuse_unsafe_start()
