"""The OpenAPI schema is valid and true: schemathesis calls every operation with generated input, as an
Operations Group token and as a board member's, and every answer must match the schema (no 500)."""

import json

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection

from tests.api.conftest import make_token
from tests.factories import (
    ActionFactory,
    DecisionFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingActionFactory,
    MeetingFactory,
    PlanFactory,
    ProgressUpdateFactory,
)


def load_schema():
    """The schema /api/v1/schema/ serves, made at collection (as from_fixture breaks on pytest 9.2) by the
    same generator, since no database may be touched yet; calls go to the real WSGI application."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(generated)))
    loaded.app = get_wsgi_application()
    # Generated examples only: the coverage phase's every combination of boundary values took minutes.
    loaded.config.phases.coverage.enabled = False
    return loaded


schema = load_schema()


@pytest.fixture
def some_of_everything(priority):
    """One record of each kind, so lists have rows and the references P1.1 and P1-I1 exist."""
    PlanFactory()
    action = ActionFactory(ref="P1.1", priority=priority)
    ProgressUpdateFactory(action=action)
    MeasurementFactory(indicator=IndicatorFactory(code="P1-I1", priority=priority))
    meeting = MeetingFactory()
    DecisionFactory(meeting=meeting)
    MeetingActionFactory(meeting=meeting)


@pytest.fixture
def tokens(operations, board_member):
    """An Operations Group person's token and a board member's."""
    return [make_token(operations), make_token(board_member)]


@pytest.mark.django_db
@schema.include(path_regex="^/api/v1/").parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_schema_says(case, tokens, some_of_everything, keep_db_connection):
    for token in tokens:
        # Generated input the schema calls invalid must still get a documented answer, never a 500; but
        # an empty filter (?updated_since=) means "no filter", as on the pages, so it need not be refused.
        case.call_and_validate(
            headers={"Authorization": f"Token {token}"}, excluded_checks=[negative_data_rejection]
        )


def test_the_schema_is_valid_and_generates_without_a_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/actions/{ref}/" in (tmp_path / "schema.yaml").read_text()
