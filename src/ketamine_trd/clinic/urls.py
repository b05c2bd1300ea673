"""Root URLs. Apps include their own ``urls.py``; the API lives under ``/api/``."""

from __future__ import annotations

from importlib.util import find_spec

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ketamine_trd.clinic.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
if find_spec("ketamine_trd.clinic.authn.urls") is not None:
    urlpatterns.append(path("accounts/", include("ketamine_trd.clinic.authn.urls")))
urlpatterns += [
    # Django's own views until (and unless) authn provides hardened ones above, which then win.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("ketamine_trd.clinic.records.urls")),
    path("", include("ketamine_trd.clinic.measurement.urls")),
]
