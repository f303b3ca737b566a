from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("priorities/<int:number>/", views.priority_detail, name="priority_detail"),
    path("actions/", views.ActionListView.as_view(), name="action_list"),
    path("actions/mine/", views.my_actions, name="action_mine"),
    path("actions/<str:ref>/", views.action_detail, name="action_detail"),
    path("actions/<str:ref>/update/", views.progressupdate_add, name="progressupdate_add"),
    path("actions/<str:ref>/edit/", views.action_edit, name="action_edit"),
    path("actions/<str:ref>/history/", views.action_history, name="action_history"),
    path("actions/<str:ref>/updates/<int:pk>/evidence/", views.evidence_download, name="evidence_download"),
]
