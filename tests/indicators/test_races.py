"""Two people saving a value at the same moment: each request in its own thread, with its own connection
to the real test database (a file on SQLite, see tests/conftest.py), as two requests to a server are.

Both requests are held just after the form's checks until both have passed them, so both have seen the
same database before either writes: the race the issue found (issue 12, points 2 and 3). A database that
makes the second request wait for the first one's transaction (SQLite, whose transactions take the write
lock first) lets one through at a time: the hold then gives up after a second and the two run one after
the other, which must give the same answers."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from indicators.forms import MeasurementForm
from indicators.models import Unit
from tests.factories import IndicatorFactory, MeasurementFactory

pytestmark = pytest.mark.django_db(transaction=True)
HOLD_SECONDS = 1


@pytest.fixture
def indicator(priority):
    return IndicatorFactory(code="P1-I1", priority=priority, unit=Unit.PERCENT)


@pytest.fixture
def two_people(lead, operations):
    """Two signed-in browsers: the workstream lead's and an Operations Group member's."""
    clients = []
    for person in (lead, operations):
        browser = Client()
        browser.force_login(person)
        clients.append(browser)
    return clients


def at_the_same_moment(monkeypatch, *posts):
    """Run each of `posts` (functions making one request) in its own thread, held after the form's first
    check until all have passed it. Returns their responses, or the exception a request raised."""
    barrier = threading.Barrier(len(posts))
    held = threading.local()
    clean = MeasurementForm.clean

    def clean_then_wait(form):
        cleaned = clean(form)
        if not getattr(held, "done", False):
            held.done = True
            try:
                barrier.wait(timeout=HOLD_SECONDS)
            except threading.BrokenBarrierError:
                pass  # the other request waits for this one's transaction: run one after the other
        return cleaned

    monkeypatch.setattr(MeasurementForm, "clean", clean_then_wait)
    results = [None] * len(posts)

    def run(index, post):
        try:
            results[index] = post()
        except Exception as error:  # noqa: BLE001 - a server error is what the test looks for
            results[index] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def post_value(browser, indicator, **data):
    url = reverse("indicators:measurement_add", args=[indicator.code])
    return lambda: browser.post(url, data)


def test_two_people_recording_the_same_new_period_at_once_get_one_value_and_one_clear_refusal(
    monkeypatch, indicator, two_people
):
    """Issue 12: the second got a 500 (IntegrityError), as there was no row to lock yet."""
    first, second = two_people
    results = at_the_same_moment(
        monkeypatch,
        post_value(first, indicator, period_end="31/07/2025", value="30"),
        post_value(second, indicator, period_end="31/07/2025", value="31"),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.status_code for r in results) == [200, 302]
    [saved] = indicator.measurements.all()
    [refused] = [r for r in results if r.status_code == 200]
    # The same answer as when the value was there before the form was sent (no race):
    not_a_race = first.post(
        reverse("indicators:measurement_add", args=[indicator.code]),
        {"period_end": "31/07/2025", "value": "32"},
    )
    expected = [
        f"The period ending 31 July 2025 already has a value of {indicator.format_value(saved.value)}. "
        "To replace it, select this box and say why in the note"
    ]
    assert refused.context["form"].errors["correct"] == expected
    assert not_a_race.context["form"].errors["correct"] == expected
    # and, as there, ticking the box and saying why corrects the value the page now names
    form = refused.context["form"]
    data = {**form.data.dict(), "correct": "on", "note": "Mine is the later figure"}
    assert second.post(refused.request["PATH_INFO"], data).status_code == 302
    assert indicator.measurements.get().note == "Mine is the later figure"


def test_two_people_correcting_the_same_value_at_once_keep_the_first_and_refuse_the_second(
    monkeypatch, indicator, two_people
):
    """Issue 12: both were told the correction was saved, and the second silently replaced the first."""
    MeasurementFactory(indicator=indicator, period_end=date(2025, 6, 30), value=21)
    url = reverse("indicators:measurement_add", args=[indicator.code])
    posts = []
    for browser, value in zip(two_people, ("23", "24"), strict=True):
        form = browser.get(url, {"period_end": "2025-06-30"}).context["form"]
        data = {**form.initial, "period_end": "30/06/2025", "value": value, "note": f"Re-run: {value}"}
        posts.append(lambda browser=browser, data=data: browser.post(url, data))

    results = at_the_same_moment(monkeypatch, *posts)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.status_code for r in results) == [200, 302]
    [saved] = [value for value, r in zip(("23", "24"), results, strict=True) if r.status_code == 302]
    [refused] = [r for r in results if r.status_code == 200]
    measurement = indicator.measurements.get()
    assert (measurement.value, measurement.version) == (Decimal(saved), 2)
    assert ("Value", "21%", f"{saved}%") in refused.context["conflict"]["fields"]
