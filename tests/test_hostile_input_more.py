"""Random and hostile input to the indicators, governance and password forms and to the filterable lists
never breaks a page, and what is saved is shown escaped (the actions forms: tests/test_hostile_input.py)."""

import csv
import io
import os

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.models import (
    AttendanceStatus,
    CalendarFeed,
    Escalation,
    Meeting,
    MeetingActionStatus,
    MeetingKind,
    MeetingStatus,
)
from indicators import uploads
from indicators.models import Unit
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    DecisionFactory,
    FeedbackItemFactory,
    GroupFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingActionFactory,
    MeetingFactory,
)
from tests.test_hostile_input import DATES, HOSTILE_TEXT, NUMBERS, RUNS

# HOSTILE_EXAMPLES_SCALE=10 hunts harder, e.g. before a release; the default keeps the file under a minute.
SCALE = int(os.environ.get("HOSTILE_EXAMPLES_SCALE", "1"))
RUNS = settings(RUNS, max_examples=RUNS.max_examples * SCALE)
FEW = settings(RUNS, max_examples=15 * SCALE)  # each example draws charts or renders several pages
INJECTED = (b"<script>alert('x')</script>", b"<img src=x onerror")


def assert_pages_escape(client, *urls):
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, url
        for raw in INJECTED:
            assert raw not in page.content, url


def one_of_or_garbage(*valid):
    """A valid choice (given as a value) or anything else."""
    return st.one_of(st.sampled_from([str(v) for v in valid]), NUMBERS, HOSTILE_TEXT)


# --- Indicators ----------------------------------------------------------------------------------------
@pytest.fixture
def indicator(priority):
    indicator = IndicatorFactory(code="P1-I1", priority=priority, unit=Unit.PERCENT)
    MeasurementFactory(indicator=indicator, value=25)
    return indicator


def indicator_pages(indicator):
    code = indicator.code
    return (
        reverse("indicators:indicator_detail", args=[code]),
        reverse("indicators:indicator_detail", args=[code]) + "?chart=spc",
        reverse("indicators:indicator_chart", args=[code]),
        reverse("indicators:indicator_spc_chart", args=[code]),
        reverse("indicators:indicator_sparkline", args=[code]),
        reverse("indicators:indicator_csv", args=[code]),
        reverse("indicators:indicator_history", args=[code]),
        reverse("indicators:indicator_list"),
        reverse("dashboard"),
    )


VALUES = st.one_of(
    NUMBERS,
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["0", "100", "17.5", "1e-100", "1e100", "-0", "١٢", "0.0001", "999999999999"]),
)


@FEW
@given(
    period_end=DATES,
    value=st.one_of(VALUES, st.sampled_from(["9,480", "9,7", "1,25", "17.5%", "12 weeks", "1,2,3"])),
    note=HOSTILE_TEXT,
    correct=st.sampled_from(["", "on", "x\x00"]),
    version=st.one_of(st.just(""), NUMBERS, HOSTILE_TEXT),
)
def test_recording_a_value_answers_hostile_input_with_errors_or_success(
    client, lead, indicator, period_end, value, note, correct, version
):
    client.force_login(lead)
    response = client.post(
        reverse("indicators:measurement_add", args=[indicator.code]),
        {"period_end": period_end, "value": value, "note": note, "correct": correct, "version": version},
    )
    assert response.status_code in (200, 302)
    assert_pages_escape(client, *indicator_pages(indicator))


@RUNS
@given(period_end=st.one_of(DATES, st.just("2025-02-30"), st.just("2025-13-01")), chart=HOSTILE_TEXT)
def test_the_record_form_answers_any_query_string_without_a_server_error(
    client, lead, indicator, period_end, chart
):
    client.force_login(lead)
    url = reverse("indicators:measurement_add", args=[indicator.code])
    assert client.get(url, {"period_end": period_end}).status_code == 200
    detail = reverse("indicators:indicator_detail", args=[indicator.code])
    assert client.get(detail, {"chart": chart}).status_code == 200


FORMULAS = st.sampled_from(
    ["=1+2", '=HYPERLINK("http://evil")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\t=1", "=cmd|x"]
)
CELL = st.one_of(
    st.sampled_from(["P1-I1", "p1-i1", " P1-I1 ", "P9-I9", ""]),
    DATES,
    VALUES,
    FORMULAS,
    st.text(max_size=40),
    st.sampled_from(["<script>alert('x')</script>", '"><img src=x onerror=alert(1)>', "x" * 5000]),
)
HEADERS = st.one_of(
    st.just(["indicator code", "period end", "value", "note"]),
    st.just(["Code", "Period_End", "VALUE", "Notes", "value"]),
    st.lists(st.one_of(st.text(max_size=15), st.just("value")), max_size=6),
)


@st.composite
def csv_files(draw):
    """The bytes of an uploaded file: a CSV of hostile cells in some encoding, or anything at all."""
    kind = draw(st.sampled_from(["csv", "csv", "csv", "bytes", "huge line", "too big"]))
    if kind == "bytes":
        return draw(st.binary(max_size=2000))
    if kind == "huge line":  # longer than the csv module's field limit, under the upload limit
        return b"indicator code,period end,value\nP1-I1,2025-07-31," + b"9" * 200_000 + b"\n"
    if kind == "too big":
        return b"indicator code,period end,value\n" + b"P1-I1,2025-07-31,1\n" * 60_000
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(draw(HEADERS))
    plausible = st.tuples(  # rows that reach the checks of each cell: a real code, a past date
        st.sampled_from(["P1-I1", "p1-i1"]),
        st.one_of(st.sampled_from(["2025-07-31", "31/08/2025", "30 Sep 2025"]), DATES),
        VALUES,
        st.one_of(st.just(""), FORMULAS, HOSTILE_TEXT.filter(lambda text: len(text) < 10_000)),
    ).map(list)
    for row in draw(st.lists(st.one_of(plausible, st.lists(CELL, max_size=6)), max_size=8)):
        writer.writerow(row)
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    prefix = draw(
        st.sampled_from([b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xff\xfe", b"PK\x03\x04"])
    )
    return prefix + text.encode(encoding, errors="ignore")


FILENAMES = st.sampled_from(
    ["values.csv", "<script>alert('x')</script>.csv", "=HYPERLINK(1).csv", "x" * 300 + ".csv", "é.csv", "a"]
)


@FEW
@given(data=csv_files(), filename=FILENAMES)
def test_the_upload_answers_hostile_files_with_errors_or_a_preview_that_saves(
    client, lead, indicator, data, filename
):
    client.force_login(lead)
    url = reverse("indicators:measurement_upload")
    response = client.post(url, {"file": SimpleUploadedFile(filename, data, content_type="text/csv")})
    assert response.status_code == 200
    for raw in INJECTED:
        assert raw not in response.content
    if "payload" in response.context:
        confirmed = client.post(url, {"payload": response.context["payload"]})
        assert confirmed.status_code in (200, 302)
    assert_pages_escape(client, *indicator_pages(indicator)[:2], indicator_pages(indicator)[-3])


@st.composite
def tampered_payloads(draw, genuine):
    # Positions are drawn independently of the payload's length, which varies between examples (it is
    # signed with the time): Hypothesis refuses a strategy whose draws depend on outside state.
    how = draw(st.sampled_from(["text", "flip", "cut", "append", "unsigned", "other salt"]))
    if how == "text":
        return draw(st.one_of(HOSTILE_TEXT, NUMBERS))
    if how == "flip":
        at = draw(st.integers(0, 10_000)) % len(genuine)
        return genuine[:at] + draw(st.characters(codec="utf-8")) + genuine[at + 1 :]
    if how == "cut":
        return genuine[: draw(st.integers(0, 10_000)) % len(genuine)]
    if how == "append":
        return genuine + draw(st.text(min_size=1, max_size=20))
    if how == "unsigned":
        return draw(st.text(max_size=50)) + ":" + genuine.rsplit(":", 1)[-1]
    return signing.dumps({"user": 1, "rows": draw(st.text(max_size=20))}, salt="another.salt")


@RUNS
@given(data=st.data())
def test_confirming_an_upload_with_a_tampered_payload_is_refused_without_a_server_error(
    client, lead, indicator, data
):
    client.force_login(lead)
    url = reverse("indicators:measurement_upload")
    preview = client.post(
        url,
        {"file": SimpleUploadedFile("v.csv", b"indicator code,period end,value\nP1-I1,2025-07-31,30\n")},
    )
    payload = data.draw(tampered_payloads(preview.context["payload"]))
    response = client.post(url, {"payload": payload})
    assert response.status_code in (200, 302)


@RUNS
@given(rows=st.lists(st.fixed_dictionaries({"number": NUMBERS, "code": CELL}), max_size=3))
def test_a_payload_signed_for_someone_else_is_refused(client, lead, operations, indicator, rows):
    client.force_login(lead)
    payload = signing.dumps(
        {"user": operations.pk, "file": "x", "encoding": "UTF-8", "rows": rows, "promised": []},
        salt=uploads.PAYLOAD_SALT,
        compress=True,
    )
    response = client.post(reverse("indicators:measurement_upload"), {"payload": payload})
    assert response.status_code == 200
    assert b"someone else" in response.content


@FEW
@given(starts_on=DATES, reason=HOSTILE_TEXT)
def test_the_rebase_form_answers_hostile_input_with_errors_or_success(
    client, operations, indicator, starts_on, reason
):
    client.force_login(operations)
    response = client.post(
        reverse("indicators:rebase_add", args=[indicator.code]), {"starts_on": starts_on, "reason": reason}
    )
    assert response.status_code in (200, 302)
    assert_pages_escape(client, *indicator_pages(indicator))


@RUNS
@given(
    params=st.dictionaries(
        st.sampled_from(["q", "priority", "status", "overdue", "frequency", "sort", "page", "_export"]),
        st.one_of(HOSTILE_TEXT, NUMBERS),
        max_size=5,
    )
)
def test_the_indicators_list_answers_any_query_string_without_a_server_error(
    client, board_member, indicator, params
):
    client.force_login(board_member)
    assert client.get(reverse("indicators:indicator_list"), params).status_code in (200, 404)


# --- Governance ----------------------------------------------------------------------------------------
@pytest.fixture
def board(board_member, lead):
    group = GroupFactory(board=True)
    group.members.add(board_member, lead)
    return group


@pytest.fixture
def meeting(board):
    return MeetingFactory(group=board, title="Board")


def meeting_pages(client, meeting, user):
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return (
        reverse("governance:meeting_detail", args=[meeting.pk]),
        reverse("governance:meeting_history", args=[meeting.pk]),
        reverse("governance:meeting_changes", args=[meeting.pk]),
        reverse("governance:meeting_list"),
        reverse("governance:meetingaction_list"),
        reverse("governance:group_detail", args=[meeting.group.slug]),
        reverse("governance:calendar_feed", args=[feed.token]),
        reverse("dashboard"),
    )


TIMES = st.one_of(
    st.times().map(str), st.sampled_from(["10:00", "24:00", "9.30am", "99:99", ""]), HOSTILE_TEXT
)


def a_version(draw, record):
    """The version an edit form carries: mostly the record's current one, else a stale number or garbage."""
    current = type(record).objects.get(pk=record.pk).version
    return draw(st.one_of(st.just(str(current)), NUMBERS, st.just("")))


def meeting_data(draw, group):
    return {
        "group": draw(one_of_or_garbage(group.pk)),
        "title": draw(HOSTILE_TEXT),
        "kind": draw(one_of_or_garbage(*MeetingKind.values)),
        "date": draw(DATES),
        "start_time": draw(TIMES),
        "location": draw(HOSTILE_TEXT),
        "status": draw(one_of_or_garbage(*MeetingStatus.values)),
        "minutes": draw(HOSTILE_TEXT),
    }


@FEW
@given(data=st.data())
def test_the_meeting_forms_answer_hostile_input_with_errors_or_success(client, operations, meeting, data):
    client.force_login(operations)
    response = client.post(reverse("governance:meeting_add"), meeting_data(data.draw, meeting.group))
    assert response.status_code in (200, 302)
    response = client.post(
        reverse("governance:meeting_edit", args=[meeting.pk]),
        {**meeting_data(data.draw, meeting.group), "version": a_version(data.draw, meeting)},
    )
    assert response.status_code in (200, 302)
    for added in Meeting.objects.order_by("-pk")[:2]:
        assert_pages_escape(client, *meeting_pages(client, added, operations))


@FEW
@given(data=st.data())
def test_the_agenda_forms_answer_hostile_input_with_errors_or_success(
    client, operations, meeting, priority, data
):
    client.force_login(operations)
    ActionFactory(ref="P1.1", priority=priority) if not priority.actions.exists() else None
    item = AgendaItemFactory(meeting=meeting)
    for url in (
        reverse("governance:agendaitem_add", args=[meeting.pk]),
        reverse("governance:agendaitem_edit", args=[meeting.pk, item.pk]),
    ):
        fields = {
            "order": data.draw(NUMBERS),
            "title": data.draw(HOSTILE_TEXT),
            "priority": data.draw(one_of_or_garbage(priority.pk)),
            "actions": data.draw(st.lists(one_of_or_garbage(*priority.actions.values_list("pk", flat=True)))),
            "presenter": data.draw(one_of_or_garbage(operations.pk)),
            "presenter_role": data.draw(HOSTILE_TEXT),
            "version": a_version(data.draw, item),
        }
        assert client.post(url, fields).status_code in (200, 302)
    assert_pages_escape(client, *meeting_pages(client, meeting, operations)[:2])
    assert_pages_escape(client, reverse("governance:boardpack_preview", args=[meeting.pk]))


@RUNS
@given(data=st.data())
def test_the_decision_form_answers_hostile_input_with_errors_or_success(client, operations, meeting, data):
    client.force_login(operations)
    item = AgendaItemFactory(meeting=meeting)
    decision = DecisionFactory(meeting=meeting, agenda_item=item)
    for url in (
        reverse("governance:decision_add", args=[meeting.pk]),
        reverse("governance:decision_edit", args=[meeting.pk, decision.pk]),
    ):
        fields = {
            "agenda_item": data.draw(one_of_or_garbage(item.pk)),
            "text": data.draw(HOSTILE_TEXT),
            "version": a_version(data.draw, decision),
        }
        assert client.post(url, fields).status_code in (200, 302)
    assert_pages_escape(client, *meeting_pages(client, meeting, operations)[:2])


@FEW
@given(data=st.data())
def test_the_action_log_forms_answer_hostile_input_with_errors_or_success(
    client, operations, lead, meeting, data
):
    client.force_login(operations)
    item = MeetingActionFactory(meeting=meeting, owner=lead)
    for url in (
        reverse("governance:meetingaction_add", args=[meeting.pk]),
        reverse("governance:meetingaction_edit", args=[meeting.pk, item.pk]),
    ):
        fields = {
            "text": data.draw(HOSTILE_TEXT),
            "owner": data.draw(one_of_or_garbage(lead.pk)),
            "owner_role": data.draw(HOSTILE_TEXT),
            "due_date": data.draw(DATES),
            "version": a_version(data.draw, item),
        }
        assert client.post(url, fields).status_code in (200, 302)
    response = client.post(
        reverse("governance:meetingaction_close", args=[item.pk]),
        {
            "status": data.draw(one_of_or_garbage(MeetingActionStatus.DONE, MeetingActionStatus.DROPPED)),
            "dropped_reason": data.draw(HOSTILE_TEXT),
        },
    )
    assert response.status_code in (200, 302)
    assert_pages_escape(client, *meeting_pages(client, meeting, operations))


def a_name(text):
    """Hostile text as a person's name can be stored: at most 150 characters, no NUL (PostgreSQL)."""
    return text.replace("\x00", "")[:150]


@RUNS
@given(data=st.data())
def test_the_attendance_form_answers_hostile_input_with_errors_or_success(
    client, operations, board_member, lead, meeting, data
):
    client.force_login(operations)
    board_member.first_name = a_name(data.draw(HOSTILE_TEXT))  # the name is each choice's legend
    board_member.save()
    assert_pages_escape(client, reverse("governance:attendance_edit", args=[meeting.pk]))
    statuses = one_of_or_garbage(*AttendanceStatus.values, "")
    response = client.post(
        reverse("governance:attendance_edit", args=[meeting.pk]),
        {
            f"person_{board_member.pk}": data.draw(statuses),
            f"person_{lead.pk}": data.draw(statuses),
            "add_person": data.draw(one_of_or_garbage(operations.pk, board_member.pk)),
            "add_status": data.draw(statuses),
        },
    )
    assert response.status_code in (200, 302)
    assert client.get(meeting.get_absolute_url()).status_code == 200


def test_a_name_holding_markup_is_shown_as_text_on_the_attendance_form(client, operations, lead, meeting):
    lead.first_name, lead.last_name = '<button formaction="https://evil.example/">Vote</button>', "<b>Jo</b>"
    lead.save()
    client.force_login(operations)

    page = client.get(reverse("governance:attendance_edit", args=[meeting.pk])).content.decode()

    assert "<button formaction" not in page and "<b>Jo</b>" not in page
    assert (
        "&lt;button formaction=&quot;https://evil.example/&quot;&gt;Vote&lt;/button&gt; &lt;b&gt;Jo&lt;/b&gt;"
        in page
    )


@RUNS
@given(data=st.data())
def test_the_feedback_form_answers_hostile_input_with_errors_or_success(
    client, operations, meeting, priority, data
):
    client.force_login(operations)
    item = FeedbackItemFactory(meeting=meeting)
    for url in (
        reverse("governance:feedbackitem_add", args=[meeting.pk]),
        reverse("governance:feedbackitem_edit", args=[meeting.pk, item.pk]),
    ):
        fields = {
            "priority": data.draw(one_of_or_garbage(priority.pk)),
            "you_said": data.draw(HOSTILE_TEXT),
            "we_did": data.draw(HOSTILE_TEXT),
            "impact": data.draw(HOSTILE_TEXT),
            "version": a_version(data.draw, item),
        }
        assert client.post(url, fields).status_code in (200, 302)
    assert_pages_escape(client, meeting.get_absolute_url())


@FEW
@given(reason=HOSTILE_TEXT, decision=HOSTILE_TEXT)
def test_escalating_and_resolving_answer_hostile_input_with_errors_or_success(
    client, operations, meeting, priority, indicator, reason, decision
):
    client.force_login(operations)
    action = priority.actions.first() or ActionFactory(ref="P1.1", priority=priority)
    for url in (
        reverse("governance:action_escalate", args=[action.ref]),
        reverse("governance:indicator_escalate", args=[indicator.code]),
    ):
        assert client.post(url, {"reason": reason}).status_code in (200, 302)
    escalation = Escalation.objects.open().first() or Escalation.escalate(
        reason="Stuck", raised_by=operations, action=action
    )
    response = client.post(
        reverse("governance:escalation_resolve", args=[meeting.pk, escalation.pk]), {"text": decision}
    )
    assert response.status_code in (200, 302)
    assert_pages_escape(
        client,
        action.get_absolute_url(),
        indicator.get_absolute_url(),
        meeting.get_absolute_url(),
        reverse("governance:boardpack_preview", args=[meeting.pk]),
    )


def list_params(*names):
    return st.dictionaries(
        st.sampled_from([*names, "sort", "page", "_export"]), st.one_of(HOSTILE_TEXT, NUMBERS), max_size=5
    )


@RUNS
@given(
    meetings=list_params("q", "when", "group", "kind", "status"),
    log=list_params("q", "group", "status", "owner", "overdue"),
    groups=list_params("kind"),
)
def test_the_governance_lists_answer_any_query_string_without_a_server_error(
    client, board_member, meeting, meetings, log, groups
):
    client.force_login(board_member)
    MeetingActionFactory(
        meeting=meeting, owner=board_member
    ) if not meeting.meeting_actions.exists() else None
    for url, params in (
        (reverse("governance:meeting_list"), meetings),
        (reverse("governance:meetingaction_list"), log),
        (reverse("governance:group_list"), groups),
        (reverse("governance:group_detail", args=[meeting.group.slug]), groups),
    ):
        assert client.get(url, params).status_code in (200, 404)


# --- Passwords -----------------------------------------------------------------------------------------
@RUNS
@given(
    old=st.one_of(st.just("correct horse battery staple"), HOSTILE_TEXT),
    new1=HOSTILE_TEXT,
    same=st.booleans(),
)
def test_the_password_change_form_answers_hostile_input_without_a_server_error(
    client, board_member, old, new1, same
):
    client.force_login(board_member)
    new2 = new1 if same else new1[::-1]
    response = client.post(
        reverse("password_change"), {"old_password": old, "new_password1": new1, "new_password2": new2}
    )
    assert response.status_code in (200, 302)


@RUNS
@given(
    email=st.one_of(st.just("board@example.org"), st.emails().map(str), HOSTILE_TEXT),
    uid=HOSTILE_TEXT,
    token=HOSTILE_TEXT,
)
def test_the_password_reset_forms_answer_hostile_input_without_a_server_error(
    client, board_member, email, uid, token
):
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code in (200, 302)
    uid, token = uid.replace("/", "") or "x", token.replace("/", "") or "x"
    response = client.get(reverse("password_reset_confirm", args=[uid, token]))
    assert response.status_code in (200, 302, 404)


# --- Highlight reports ---------------------------------------------------------------------------------
@FEW
@given(data=st.data())
def test_the_highlight_report_form_answers_hostile_input_with_errors_or_success(
    client, operations, meeting, priority, data
):
    from reporting.models import Ask, Assessment, HighlightReport

    client.force_login(operations)
    action = ActionFactory(priority=priority)
    HighlightReport.objects.filter(meeting=meeting).delete()
    add = reverse("reporting:highlightreport_add", args=[meeting.pk, priority.number])

    def fields(version=""):
        return {
            "assessment": data.draw(one_of_or_garbage(*Assessment.values)),
            "reason": data.draw(HOSTILE_TEXT),
            "achievements": data.draw(HOSTILE_TEXT),
            "risks": data.draw(HOSTILE_TEXT),
            "ask_kind": data.draw(one_of_or_garbage(*Ask.values)),
            "ask": data.draw(HOSTILE_TEXT),
            "actions": data.draw(one_of_or_garbage(action.pk)),
            "version": version,
        }

    assert client.post(add, fields()).status_code in (200, 302)
    report = HighlightReport.objects.filter(meeting=meeting).first()
    if report is not None:
        edit = reverse("reporting:highlightreport_edit", args=[report.pk])
        assert client.post(edit, fields(a_version(data.draw, report))).status_code in (200, 302)
        assert_pages_escape(client, report.get_absolute_url(), reverse("dashboard"))
    assert_pages_escape(client, reverse("reporting:meeting_reports", args=[meeting.pk]))


# --- API tokens ------------------------------------------------------------------------------------------
@FEW
@given(name=HOSTILE_TEXT, days=one_of_or_garbage(30, 90, 180, 365))
def test_the_token_form_answers_hostile_input_with_errors_or_a_token_shown_escaped(
    client, board_member, name, days
):
    from api.models import AccessToken

    client.force_login(board_member)
    response = client.post(reverse("api:token_list"), {"name": name, "days": days})
    assert response.status_code == 200
    if response.context["token_text"]:
        assert AccessToken.objects.filter(user=board_member, name=name.strip()).exists()
    assert_pages_escape(client, reverse("api:token_list"))
