"""An iCalendar (RFC 5545) feed of meetings, built with the icalendar library: it escapes text, folds
long lines and writes the VTIMEZONE that times in Europe/London need."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vDuration

from governance.models import MeetingStatus

MEETING_LENGTH = timedelta(hours=2)  # meetings record a start time only
REFRESH = timedelta(hours=12)
STATUS = {
    MeetingStatus.SCHEDULED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def _event(meeting, base_url, zone):
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@send-portal")
    event.add("dtstamp", meeting.updated)
    event.add("sequence", meeting.version)
    if meeting.start_time:
        start = datetime.combine(meeting.date, meeting.start_time, tzinfo=zone)
        event.add("dtstart", start)
        event.add("dtend", start + MEETING_LENGTH)
    else:  # an all-day event
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + timedelta(days=1))
    url = base_url.rstrip("/") + meeting.get_absolute_url()
    event.add("summary", meeting.title)
    event.add("description", f"{meeting.group.name}. Agenda and papers: {url}")
    event.add("url", url)
    event.add("status", STATUS[MeetingStatus(meeting.status)])
    if meeting.location:
        event.add("location", meeting.location)
    return event


def meetings_calendar(meetings, *, name, base_url):
    """The feed as text: one VEVENT per meeting (group loaded). Times are in the portal's time zone
    (TIME_ZONE, Europe/London), with its VTIMEZONE for the span of the meetings listed."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//SEND Portal//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    meetings = list(meetings)
    for meeting in meetings:
        calendar.add_component(_event(meeting, base_url, zone))
    if meetings:
        dates = [meeting.date for meeting in meetings]
        calendar.add_missing_timezones(first_date=min(dates), last_date=max(dates) + timedelta(days=1))
    return calendar.to_ical().decode("utf-8")
