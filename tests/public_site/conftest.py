"""Public items for the public site's tests, published or as drafts."""

import pytest

from public_site.models import ChairsUpdate, PrioritySummary, PublicMeasure, YouSaidWeDid
from tests.factories import GroupFactory, IndicatorFactory, MeasurementFactory, MeetingFactory
from tests.notifications.conftest import smtp, smtp_server  # noqa: F401  (a real SMTP server, for the mail tests)


@pytest.fixture
def summary(priority, operations):
    """Priority 1's plain-English summary, published."""
    item = PrioritySummary.objects.create(
        priority=priority, title="Plans on time", doing="We hired more staff.", changed="Fewer children wait."
    )
    item.publish(by=operations)
    return item


@pytest.fixture
def entry(priority, operations):
    item = YouSaidWeDid.objects.create(
        priority=priority,
        you_said="Letters were hard to read.",
        we_did="We rewrote them.",
        what_changed="Clear letters.",
    )
    item.publish(by=operations)
    return item


@pytest.fixture
def chairs_update(operations):
    item = ChairsUpdate.objects.create(
        meeting=MeetingFactory(group=GroupFactory(board=True)),
        title="What the Board did",
        body="We met.\n\nWe decided.",
    )
    item.publish(by=operations)
    return item


@pytest.fixture
def measure(priority, operations):
    indicator = IndicatorFactory(priority=priority)
    MeasurementFactory(indicator=indicator)
    item = PublicMeasure.objects.create(
        indicator=indicator, name="Plans on time", sentence="More plans are on time."
    )
    item.publish(by=operations)
    return item


@pytest.fixture
def public_world(summary, entry, chairs_update, measure):
    return {"summary": summary, "entry": entry, "chairs_update": chairs_update, "measure": measure}
