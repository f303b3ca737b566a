"""The Operations Group's pages for writing and publishing the families' site (signed in)."""

from django.urls import path

from public_site import views

app_name = "public_content"
urlpatterns = [
    path("", views.content_index, name="index"),
    path("<slug:kind>/add/", views.item_add, name="item_add"),
    path("<slug:kind>/<int:pk>/", views.item_edit, name="item_edit"),
    path("<slug:kind>/<int:pk>/publish/", views.item_publish, name="item_publish"),
]
