"""What the dashboard and a priority page need to know about every indicator, without reading every value.

Counting indicators off track or with data overdue, and ranking them for "where should the Board look",
needs each indicator's status, freshness and SPC reading, and the SPC reading needs all of its values:
about 2 ms per indicator, 0.4 s for a plan ten times Lancashire's. So each indicator's answers, with its
row in "where should the Board look", are kept as a small `IndicatorDigest` in Django's cache (shared by
every worker when CACHE_URL names a shared cache), all indicators under one key. The key is made of the
number and latest change of indicators, values and rebases, plus today's date (data become overdue as
days pass), so the digests are worked out again after any change and at most once a day otherwise.
Reading them costs one small query (three aggregates in a UNION ALL); the process keeps the last digests
it read, so while the key stands they are not unpickled again. Pages then load in full only the
indicators they show with charts or values: a capped number, values prefetched.
"""

import functools
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Value
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator, Measurement, Rebase
from indicators.spc_reading import Verdict
from indicators.status import IndicatorStatus

DIGEST_VERSION = 4  # bump when a rule behind a digest changes, so cached digests are worked out again
CACHE_SECONDS = 24 * 60 * 60
SHOWN = 25  # indicators shown in full in a table or in "where should the Board look"; the list has them all


@dataclass(frozen=True)
class SummaryRow:
    """An indicator's row in "where should the Board look": latest value, target and SPC verdicts."""

    code: str
    name: str
    latest_value: str  # with its unit; "" when there is none yet
    latest_period: date | None
    target: str
    target_date: date | None  # None while the target is to be set
    variation: Verdict
    assurance: Verdict
    reading: str = ""  # Indicator.reading: trajectory, variation and assurance in one sentence

    @classmethod
    def of(cls, indicator):
        """The row of an indicator read with Indicator.objects.with_spc()."""
        latest = indicator.latest_measurement
        return cls(
            code=indicator.code,
            name=indicator.name,
            latest_value=latest.formatted_value if latest else "",
            latest_period=latest.period_end if latest else None,
            target=indicator.formatted_target,
            target_date=indicator.target_date,
            variation=indicator.spc.variation,
            assurance=indicator.spc.assurance,
            reading=indicator.reading,
        )

    def get_absolute_url(self):
        return reverse("indicators:indicator_detail", args=[self.code])


@dataclass(frozen=True)
class IndicatorDigest:
    """One indicator's answers, worked out from all its values and rebases."""

    pk: int
    priority_id: int | None  # None: an indicator of the whole plan
    status: str  # IndicatorStatus of the latest value
    data_overdue: bool
    attention: int  # SpcReading.attention: where it comes in "where should the Board look", 0 first
    row: SummaryRow


def _digest_key(today):
    """What the digests depend on, in one query: the number and latest change of indicators, values and
    rebases (a deletion lowers a count, any save moves a latest change), and today's date."""
    with connection.cursor() as cursor:
        cursor.execute(*_digest_key_query())
        rows = sorted(cursor.fetchall())
    # The latest change as the driver gives it: a datetime (PostgreSQL) or its text (SQLite), no spaces.
    parts = [f"{table}={count}@{str(latest or '-').replace(' ', 'T')}" for table, count, latest in rows]
    return f"indicators:digests:v{DIGEST_VERSION}:{today.isoformat()}:{':'.join(parts)}"


@functools.cache
def _digest_key_query():
    """The key's query as (SQL, params), built by the ORM once per process: building it took the ORM longer
    than the database took to answer it."""
    facts = [
        model.objects.order_by()
        .values(table=Value(model._meta.label))  # a constant: one row, no GROUP BY
        .annotate(count=Count("pk"), latest=Max("updated"))
        .values_list("table", "count", "latest")
        for model in (Indicator, Measurement, Rebase)
    ]
    return facts[0].union(*facts[1:], all=True).order_by().query.sql_with_params()


# The last digests this process read from the cache, by key: while the key stands they are the same, so
# they are not unpickled again on every page. The cache stays the record (a cleared cache clears this too).
_last_read = {}


def plan_digests(today=None):
    """Every indicator's IndicatorDigest in plan order (priority number, code): one query when cached,
    else three more to read every indicator with its values and rebases."""
    today = today or timezone.localdate()
    key = _digest_key(today)
    if key in _last_read and cache.has_key(key):
        return _last_read[key]
    digests = cache.get(key)
    if digests is None:
        digests = [
            IndicatorDigest(
                pk=indicator.pk,
                priority_id=indicator.priority_id,
                status=IndicatorStatus(indicator.status).value,
                data_overdue=indicator.is_data_overdue(today),
                attention=indicator.spc.attention,
                row=SummaryRow.of(indicator),
            )
            for indicator in Indicator.objects.with_spc().order_by("priority__number", "code")
        ]
        cache.set(key, digests, CACHE_SECONDS)
    digests = tuple(digests)  # shared by every request of this process: not to be changed
    _last_read.clear()
    _last_read[key] = digests
    return digests


def digests_of(indicators):
    """The IndicatorDigest (status, data overdue, SPC attention) of each indicator of the queryset
    `indicators`, in plan order, from the shared cache: one query, and one more for the ids of these
    indicators unless they are all of them, whatever the numbers."""
    every = Indicator.objects.all().query.where  # the current plan's: the manager's own filter
    if indicators.query.where == every and not indicators.query.is_sliced:
        return list(plan_digests())
    wanted = set(indicators.values_list("pk", flat=True))
    return [digest for digest in plan_digests() if digest.pk in wanted]


def overview_of(indicators, shown=SHOWN, looked_at=SHOWN):
    """An IndicatorOverview of the queryset `indicators` for a page: counts over all of them, the first
    `shown` and the `looked_at` needing attention first in full. Five queries (the digests' key, these
    indicators' ids, the first `shown` with values and rebases), whatever the numbers."""
    return overview(digests_of(indicators), shown=shown, looked_at=looked_at)


@dataclass
class IndicatorOverview:
    """A group of indicators as a page shows them: counts over all of them and the rows of those the Board
    should look at first (SPC), from their digests; the first few in full for a table."""

    digests: list  # IndicatorDigest of every indicator in the group, plan order
    indicators: list  # the first `shown` in plan order: Indicator, values and rebases prefetched
    looked_at: int

    @property
    def count(self):
        return len(self.digests)

    @property
    def off_track(self):
        return sum(1 for digest in self.digests if digest.status == IndicatorStatus.OFF_TRACK)

    @property
    def overdue(self):
        return sum(1 for digest in self.digests if digest.data_overdue)

    @property
    def to_be_set(self):
        """Indicators whose baseline or target the plan has still to set: none of them is judged."""
        return sum(1 for digest in self.digests if digest.status == IndicatorStatus.BASELINE_TO_BE_SET)

    def _by_attention(self, count):
        # SpcReading.attention ranks them; sorted() is stable, so equal attention keeps plan order.
        return sorted(self.digests, key=lambda digest: digest.attention)[:count]

    @functools.cached_property
    def where_to_look(self):
        """Up to `looked_at` SummaryRows, needing attention first (no query)."""
        return [digest.row for digest in self._by_attention(self.looked_at)]

    def to_look_at_in_full(self, count):
        """The first `count` indicators to look at, in plan order: Indicator, values and rebases
        prefetched (three queries)."""
        wanted = [digest.pk for digest in self._by_attention(count)]
        loaded = Indicator.objects.with_spc().in_bulk(wanted)
        return [loaded[digest.pk] for digest in self.digests if digest.pk in loaded]


def overview(digests, *, shown=SHOWN, looked_at=SHOWN):
    """An IndicatorOverview of these digests, loading in full the first `shown` indicators (three queries,
    none when `shown` is 0)."""
    digests = list(digests)
    first = [digest.pk for digest in digests[:shown]]
    loaded = Indicator.objects.with_spc().in_bulk(first) if first else {}
    return IndicatorOverview(
        digests=digests,
        indicators=[loaded[pk] for pk in first if pk in loaded],  # (one deleted meanwhile is left out)
        looked_at=looked_at,
    )
