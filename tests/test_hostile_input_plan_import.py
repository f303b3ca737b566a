"""Hostile spreadsheets given to the plan import's pages never break a page, and whatever they hold is shown
escaped (issue 17; the other forms: tests/test_hostile_input.py and tests/test_hostile_input_more.py)."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_hostile_input import DATES, HOSTILE_TEXT

RUNS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
HEADERS = st.one_of(
    st.sampled_from(["Priority", "Action", "Ref", "Due date", "RAG", "Lead", "Partners"]), HOSTILE_TEXT
)


@st.composite
def plan_files(draw):
    """A CSV of hostile headers and cells, or any bytes at all."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=2000))
    headers = ["Priority", "Action", "Due date", *draw(st.lists(HEADERS, max_size=3))]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for _ in range(draw(st.integers(1, 3))):
        writer.writerow([draw(st.one_of(HOSTILE_TEXT, DATES)) for _ in headers])
    return out.getvalue().replace("\x00", "").encode("utf-8")


@RUNS
@given(data=plan_files())
def test_the_plan_import_answers_hostile_files_with_errors_or_a_preview(client, operations, data):
    client.force_login(operations)
    chosen = client.post(reverse("plan_import:upload"), {"file": SimpleUploadedFile("plan.csv", data)})
    assert chosen.status_code == 200
    assert b"<script>alert" not in chosen.content
    if "payload" not in chosen.context:
        return
    form = chosen.context["form"]
    fields = {name: form[name].value() or "" for name in form.fields}
    fields["payload"] = chosen.context["payload"]
    preview = client.post(reverse("plan_import:preview"), fields)
    assert preview.status_code == 200
    assert b"<script>alert" not in preview.content
    confirmed = client.post(reverse("plan_import:confirm"), fields)
    assert confirmed.status_code in (200, 302)
    assert b"<script>alert" not in confirmed.content
