from django.urls import path

from send_portal.plan_import import views

app_name = "plan_import"
urlpatterns = [
    path("plan/import/", views.plan_import, name="upload"),
    path("plan/import/preview/", views.plan_import_preview, name="preview"),
    path("plan/import/confirm/", views.plan_import_confirm, name="confirm"),
    path("plan/import/runs/<int:pk>/", views.plan_import_run, name="run_detail"),
    path("plan/export.xlsx", views.plan_export, name="export"),
    path("plan/template.xlsx", views.plan_template, name="template"),
    path("plan/versions/", views.version_list, name="version_list"),
    path("plan/versions/<int:pk>/", views.version_detail, name="version_detail"),
]
