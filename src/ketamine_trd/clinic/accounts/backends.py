"""The authentication backend: Django's ``ModelBackend``, loading the signed-in user with their clinic.

Every page and API read uses ``request.user.clinic`` (the time-zone middleware, the scope of every query, the
layout); Django's backend loads the user alone, so the clinic cost a second query on every request. Here the
user comes with the clinic in one query (a join); passwords, permissions and ``user_can_authenticate`` are
``ModelBackend``'s own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ClinicUserBackend(ModelBackend):
    """``ModelBackend`` whose ``get_user`` joins the user's clinic (one query per request instead of two)."""

    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("clinic").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
