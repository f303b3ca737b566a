from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.urls import include, path

from send_portal import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("health/", views.health, name="health"),
    path("health/live", views.health_live, name="health_live"),
    path("health/ready", views.health_ready, name="health_ready"),
    path(
        "accounts/login/",
        # Not one transaction: checking a password takes a second of CPU, and on SQLite a transaction holds
        # the database's write lock from its start (docs/reliability.md), so eight people signing in at once
        # would queue behind each other's hashing. Its writes (session, last login, lockout) stand alone.
        transaction.non_atomic_requests(views.SignInView.as_view()),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("", include("actions.urls")),
    path("", include("indicators.urls")),
    path("", include("governance.urls")),
    path("", include("send_portal.plan_import.urls")),
    path("", include("notifications.urls")),
    path("", include("reporting.urls")),
    path("", include("api.urls")),
    path("public/", include("public_site.urls")),
    path("public-content/", include("public_site.editor_urls")),
]
handler404 = "send_portal.views.page_not_found"
handler500 = "send_portal.views.server_error"
