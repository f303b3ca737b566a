"""The families' site: no sign-in, under /public/ or at the root of PUBLIC_HOST (public_site/host_urls.py)."""

from django.urls import path

from public_site import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("priorities/<int:number>/", views.priority, name="priority"),
    path("you-said-we-did/", views.yousaidwedid_list, name="yousaidwedid_list"),
    path("chairs-updates/", views.chairsupdate_list, name="chairsupdate_list"),
    path("chairs-updates/<int:pk>/", views.chairsupdate_detail, name="chairsupdate_detail"),
    path("easy-read/<slug:kind>/<int:pk>/", views.easy_read, name="easy_read"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("feed/", views.feed, name="feed"),
    path("email-updates/", views.subscribe, name="subscribe"),
    path("email-updates/sent/", views.subscribe_sent, name="subscribe_sent"),
    path("email-updates/confirm/<str:token>/", views.subscribe_confirm, name="subscribe_confirm"),
    path("email-updates/stop/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
