"""The actions table writes its cells in its own template (templates/actions/action_table.html) for speed:
they must be exactly what its django-tables2 columns render, cell by cell."""

import re
from datetime import timedelta

import django_tables2 as tables
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from actions.models import Action, Status
from actions.tables import ActionTable
from tests.factories import ActionFactory, ProgressUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db


def body(table):
    request = RequestFactory().get("/actions/")
    tables.RequestConfig(request, paginate=False).configure(table)
    html = render_to_string(table.template_name, {"table": table}, request=request)
    rows = html.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0]
    return re.sub(r"\s+", " ", rows)


@pytest.mark.parametrize("exclude", [(), ("priority",)])
def test_the_written_out_cells_match_the_columns(exclude):
    today = timezone.localdate()
    revised = ActionFactory(
        ref="P1.1", title="Fish & <chips>", lead_role="Head of SEND", lead_organisation="joint"
    )
    revised.revised_due_date = revised.due_date + timedelta(days=30)
    revised.revision_reason = "Recruitment took longer"
    revised.save()
    ProgressUpdateFactory(action=revised, status=Status.AT_RISK, mitigation="More staff")
    ActionFactory(  # overdue, never updated, led by a portal user
        ref="P2.10",
        lead=UserFactory(first_name="Ann", last_name="Lee"),
        start_date=today - timedelta(days=90),
        due_date=today - timedelta(days=3),
    )
    ActionFactory(ref="P3.2", lead_role="")
    actions = Action.objects.for_table()

    written = body(ActionTable(actions, exclude=exclude))
    cell_by_cell = ActionTable(actions, exclude=exclude, template_name="django_tables2/gds.html")

    assert written == body(cell_by_cell)
    assert (
        "Fish &amp; &lt;chips&gt;" in written and "(revised from" in written and "3 days overdue" in written
    )
