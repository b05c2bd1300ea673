"""URLs of the scheduling pages (namespace ``scheduling``)."""

from __future__ import annotations

from django.urls import path

from ketamine_trd.clinic.scheduling import views

app_name = "scheduling"
urlpatterns = [
    path("schedule/", views.schedule_home, name="home"),
    path("schedule/settings/", views.settings_view, name="settings"),
    path("schedule/settings/chairs/<int:chair_id>/active/", views.chair_active, name="chair_active"),
    path("schedule/settings/closed/<int:closed_id>/remove/", views.closed_remove, name="closed_remove"),
    path("schedule/chairs/<int:chair_id>/day/", views.chair_day, name="chair_day"),
    path("schedule/chairs/<int:chair_id>/week/", views.chair_week, name="chair_week"),
    path("schedule/courses/<int:course_id>/book/", views.book, name="book"),
    path("schedule/bookings/<int:booking_id>/move/", views.move, name="move"),
    path("schedule/bookings/<int:booking_id>/cancel/", views.cancel, name="cancel"),
]
