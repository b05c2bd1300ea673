"""WSGI entry point (served by waitress through ``ktrd serve``, or by another WSGI server).

It refuses to serve when the system checks of ``clinic.checks`` find a problem (a production start with the
development secret key, ``DEBUG``, a missing security control) or when a static file that a template names
is not collected (``collectstatic`` not run, or run before a change), as ``ktrd serve`` does.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketamine_trd.clinic.settings")

application = get_wsgi_application()

from ketamine_trd.clinic.checks import refuse_unsafe_start  # noqa: E402  (needs Django set up)
from ketamine_trd.clinic.static_files import refuse_missing_static  # noqa: E402

refuse_unsafe_start()
refuse_missing_static()  # collectstatic has run: a template's static file missing would be a 500 on each page
