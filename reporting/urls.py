from django.urls import path

from reporting import sign_off, views

app_name = "reporting"

urlpatterns = [
    path("meetings/<int:pk>/highlight-reports/", views.meeting_reports, name="meeting_reports"),
    path(
        "meetings/<int:pk>/highlight-reports/priority-<int:number>/write/",
        views.highlightreport_add,
        name="highlightreport_add",
    ),
    path("highlight-reports/<int:pk>/", views.highlightreport_detail, name="highlightreport_detail"),
    path("highlight-reports/<int:pk>/edit/", views.highlightreport_edit, name="highlightreport_edit"),
    path("sign-off/", sign_off.sign_off, name="sign_off"),
    path("sign-off/<slug:kind>/<int:pk>/approve/", sign_off.submission_approve, name="submission_approve"),
    path("sign-off/<slug:kind>/<int:pk>/return/", sign_off.submission_return, name="submission_return"),
]
