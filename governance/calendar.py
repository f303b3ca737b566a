"""An iCalendar (RFC 5545) feed of meetings, written by hand: a handful of properties, CRLF line ends,
text escaping and line folding at 75 octets."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from governance.models import MeetingStatus

MEETING_LENGTH = timedelta(hours=2)  # meetings record a start time only
STATUS = {
    MeetingStatus.SCHEDULED: "CONFIRMED",
    MeetingStatus.HELD: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def escape(text):
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    text = str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line):
    """Split a content line into lines of at most 75 octets, continuing with a space (RFC 5545 3.1),
    never inside a UTF-8 character."""
    parts = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = " "
            limit = 75
        current += char
    parts.append(current)
    return "\r\n".join(parts)


def _utc(moment):
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(meeting, base_url):
    lines = [
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@send-portal",
        f"DTSTAMP:{_utc(meeting.updated)}",
        f"SEQUENCE:{meeting.version}",
    ]
    if meeting.start_time:
        start = timezone.make_aware(datetime.combine(meeting.date, meeting.start_time))
        lines += [f"DTSTART:{_utc(start)}", f"DTEND:{_utc(start + MEETING_LENGTH)}"]
    else:
        lines += [
            f"DTSTART;VALUE=DATE:{meeting.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{meeting.date + timedelta(days=1):%Y%m%d}",
        ]
    url = base_url.rstrip("/") + meeting.get_absolute_url()
    lines += [
        f"SUMMARY:{escape(meeting.title)}",
        f"DESCRIPTION:{escape(f'{meeting.group.name}. Agenda and papers: {url}')}",
        f"URL:{url}",
        f"STATUS:{STATUS[MeetingStatus(meeting.status)]}",
    ]
    if meeting.location:
        lines.append(f"LOCATION:{escape(meeting.location)}")
    lines.append("END:VEVENT")
    return lines


def meetings_calendar(meetings, *, name, base_url):
    """The feed as text: one VEVENT per meeting (group loaded). Times are in UTC, so no VTIMEZONE."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//SEND Portal//Meetings//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
    ]
    for meeting in meetings:
        lines += _event(meeting, base_url)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
