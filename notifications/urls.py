from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("email/", views.preference_edit, name="preferences"),
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("email/sent/", views.sentmessage_list, name="sentmessage_list"),
    path("compliance/", views.compliance_view, name="compliance"),
]
