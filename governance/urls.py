from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("groups/", views.GroupListView.as_view(), name="group_list"),
    path("groups/<slug:slug>/", views.group_detail, name="group_detail"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/add/", views.meeting_add, name="meeting_add"),
    path("meetings/actions/", views.MeetingActionListView.as_view(), name="meetingaction_list"),
    path("meetings/actions/<int:pk>/close/", views.meetingaction_close, name="meetingaction_close"),
    path("meetings/calendar/", views.calendar_subscribe, name="calendar"),
    path("meetings/calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("meetings/calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("meetings/packs/<int:pk>/", views.boardpack_detail, name="boardpack_detail"),
    path("meetings/packs/<int:pk>/pdf/", views.boardpack_pdf, name="boardpack_pdf"),
    path("meetings/packs/requests/<int:pk>/", views.boardpackrequest_detail, name="boardpackrequest_detail"),
    path(
        "meetings/packs/requests/<int:pk>/retry/", views.boardpackrequest_retry, name="boardpackrequest_retry"
    ),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/agenda/add/", views.agendaitem_add, name="agendaitem_add"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/edit/", views.agendaitem_edit, name="agendaitem_edit"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/delete/", views.agendaitem_delete, name="agendaitem_delete"),
    path("meetings/<int:pk>/decisions/add/", views.decision_add, name="decision_add"),
    path("meetings/<int:pk>/decisions/<int:decision_pk>/edit/", views.decision_edit, name="decision_edit"),
    path("meetings/<int:pk>/actions/add/", views.meetingaction_add, name="meetingaction_add"),
    path(
        "meetings/<int:pk>/actions/<int:action_pk>/edit/", views.meetingaction_edit, name="meetingaction_edit"
    ),
    path("meetings/<int:pk>/attendance/", views.attendance_edit, name="attendance_edit"),
    path("meetings/<int:pk>/feedback/add/", views.feedbackitem_add, name="feedbackitem_add"),
    path("meetings/<int:pk>/feedback/<int:item_pk>/edit/", views.feedbackitem_edit, name="feedbackitem_edit"),
    path("meetings/<int:pk>/changes/", views.meeting_changes, name="meeting_changes"),
    path("meetings/<int:pk>/history/", views.meeting_history, name="meeting_history"),
    path("meetings/<int:pk>/pack/", views.boardpack_preview, name="boardpack_preview"),
    path("meetings/<int:pk>/pack/generate/", views.boardpack_generate, name="boardpack_generate"),
    path(
        "meetings/<int:pk>/escalations/<int:escalation_pk>/decision/",
        views.escalation_resolve,
        name="escalation_resolve",
    ),
    path("actions/<str:ref>/escalate/", views.action_escalate, name="action_escalate"),
    path("indicators/<slug:code>/escalate/", views.indicator_escalate, name="indicator_escalate"),
]
