"""Included by the root urls at ``accounts/``."""

from __future__ import annotations

from django.urls import path

from ketamine_trd.clinic.authn import views

app_name = "authn"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("reauth/", views.reauth_view, name="reauth"),
    path("totp/enrol/", views.totp_enrol_view, name="totp_enrol"),
]
