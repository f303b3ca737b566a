from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("indicators/", views.IndicatorListView.as_view(), name="indicator_list"),
    path("indicators/upload/", views.measurement_upload, name="measurement_upload"),
    path(
        "indicators/upload/template.csv",
        views.measurement_upload_template,
        name="measurement_upload_template",
    ),
    path("indicators/how-to-read-charts/", views.how_to_read_charts, name="how_to_read_charts"),
    path("indicators/<slug:code>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<slug:code>/chart.svg", views.indicator_chart, name="indicator_chart"),
    path("indicators/<slug:code>/spc.svg", views.indicator_spc_chart, name="indicator_spc_chart"),
    path("indicators/<slug:code>/sparkline.svg", views.indicator_sparkline, name="indicator_sparkline"),
    path("indicators/<slug:code>/data.csv", views.indicator_csv, name="indicator_csv"),
    path("indicators/<slug:code>/record/", views.measurement_add, name="measurement_add"),
    path("indicators/<slug:code>/rebase/", views.rebase_add, name="rebase_add"),
    path("indicators/<slug:code>/rebases/<int:pk>/remove/", views.rebase_delete, name="rebase_delete"),
    path("indicators/<slug:code>/history/", views.indicator_history, name="indicator_history"),
]
