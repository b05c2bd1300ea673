"""Root URLs. Apps include their own ``urls.py``; the API lives under ``/api/``."""

from __future__ import annotations

from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path
from django.views.generic.base import RedirectView

from ketamine_trd.clinic import site_pages
from ketamine_trd.clinic.api import api
from ketamine_trd.clinic.authn import views as authn_views

# the error pages in the app's layout (JSON under /api/): clinic.site_pages
handler403 = "ketamine_trd.clinic.site_pages.forbidden"
handler404 = "ketamine_trd.clinic.site_pages.not_found"
handler500 = "ketamine_trd.clinic.site_pages.server_error"

urlpatterns = [
    path("favicon.ico", site_pages.favicon, name="favicon"),
    # The admin signs in through the hardened login too (lockout, TOTP, audit).
    path("admin/login/", RedirectView.as_view(url="/accounts/login/?next=/admin/", query_string=False)),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
if find_spec("ketamine_trd.clinic.authn.urls") is not None:
    urlpatterns.append(path("accounts/", include("ketamine_trd.clinic.authn.urls")))
urlpatterns += [
    # The hardened authn views (lockout, TOTP, audit) under the stock names "login"/"logout".
    path("accounts/login/", authn_views.login_view, name="login"),
    path("accounts/logout/", authn_views.logout_view, name="logout"),
    path("", include("ketamine_trd.clinic.records.urls")),
    path("", include("ketamine_trd.clinic.measurement.urls")),
    path("", include("ketamine_trd.clinic.chartnotes.urls")),
    path("", include("ketamine_trd.clinic.site.urls")),
    path("controlled/", include("ketamine_trd.clinic.controlled.urls")),
    path("", include("ketamine_trd.clinic.selfreport.urls")),
    path("", include("ketamine_trd.clinic.scheduling.urls")),
    path("", include("ketamine_trd.clinic.benefit.urls")),
]
