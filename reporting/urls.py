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
    path("periods/", views.period_list, name="period_list"),
    path("periods/add/", views.period_add, name="period_add"),
    path("periods/compare/", views.period_compare, name="period_compare"),
    path("periods/<int:pk>/", views.period_detail, name="period_detail"),
    path("periods/<int:pk>/close/", views.period_close, name="period_close"),
    path("periods/<int:pk>/history/", views.period_history, name="period_history"),
    path("periods/<int:pk>/as-reported.csv", views.period_export, name="period_export"),
    path("priorities/<int:number>/evidence-pack/", views.evidencepack_add, name="evidencepack_add"),
    path("evidence-packs/<int:pk>/", views.evidencepack_detail, name="evidencepack_detail"),
    path("evidence-packs/<int:pk>/retry/", views.evidencepack_retry, name="evidencepack_retry"),
    path("evidence-packs/<int:pk>/pdf/", views.evidencepack_pdf, name="evidencepack_pdf"),
    path("evidence-packs/<int:pk>/zip/", views.evidencepack_zip, name="evidencepack_zip"),
    path("sign-off/", sign_off.sign_off, name="sign_off"),
    path("sign-off/<slug:kind>/<int:pk>/approve/", sign_off.submission_approve, name="submission_approve"),
    path("sign-off/<slug:kind>/<int:pk>/return/", sign_off.submission_return, name="submission_return"),
]
