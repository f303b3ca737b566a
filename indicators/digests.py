"""What the dashboard and a priority page need to know about every indicator, without reading every value.

Counting indicators off track or with data overdue, and ranking them for "where should the Board look",
needs each indicator's status, freshness and SPC reading, and the SPC reading needs all of its values:
about 2 ms per indicator, 0.4 s for a plan ten times Lancashire's. So each indicator's answers are kept
as a small `IndicatorDigest` in Django's cache (shared by every worker when CACHE_URL names a shared
cache), all indicators under one key. The key is made of the number and latest change of indicators,
values and rebases, plus today's date (data become overdue as days pass), so the digests are worked out
again after any change and at most once a day otherwise. Reading them costs three small aggregate
queries. Pages then load in full only the indicators they show: a capped number, values prefetched.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from indicators.models import Indicator, Measurement, Rebase
from indicators.status import IndicatorStatus

DIGEST_VERSION = 1  # bump when a rule behind a digest changes, so cached digests are worked out again
CACHE_SECONDS = 24 * 60 * 60
SHOWN = 25  # indicators shown in full in a table or in "where should the Board look"; the list has them all


@dataclass(frozen=True)
class IndicatorDigest:
    """One indicator's answers, worked out from all its values and rebases."""

    pk: int
    priority_id: int
    status: str  # IndicatorStatus of the latest value
    data_overdue: bool
    attention: int  # SpcReading.attention: where it comes in "where should the Board look", 0 first


def _digest_key(today):
    parts = []
    for model in (Indicator, Measurement, Rebase):
        facts = model.objects.aggregate(count=Count("pk"), latest=Max("updated"))
        parts.append(f"{facts['count']}@{facts['latest'].isoformat() if facts['latest'] else '-'}")
    return f"indicators:digests:v{DIGEST_VERSION}:{today.isoformat()}:{':'.join(parts)}"


def plan_digests(today=None):
    """Every indicator's IndicatorDigest in plan order (priority number, code): three queries when cached,
    else three more to read every indicator with its values and rebases."""
    today = today or timezone.localdate()
    key = _digest_key(today)
    digests = cache.get(key)
    if digests is None:
        digests = [
            IndicatorDigest(
                pk=indicator.pk,
                priority_id=indicator.priority_id,
                status=IndicatorStatus(indicator.status).value,
                data_overdue=indicator.is_data_overdue(today),
                attention=indicator.spc.attention,
            )
            for indicator in Indicator.objects.with_spc().order_by("priority__number", "code")
        ]
        cache.set(key, digests, CACHE_SECONDS)
    return digests


@dataclass
class IndicatorOverview:
    """A group of indicators as a page shows them: counts over all of them (from their digests), the first
    few in full for a table, and the few the Board should look at first (SPC)."""

    digests: list  # IndicatorDigest of every indicator in the group, plan order
    indicators: list  # the first SHOWN in plan order: Indicator, values and rebases prefetched
    where_to_look: list  # up to SHOWN, needing attention first: Indicator, values and rebases prefetched

    @property
    def count(self):
        return len(self.digests)

    @property
    def off_track(self):
        return sum(1 for digest in self.digests if digest.status == IndicatorStatus.OFF_TRACK)

    @property
    def overdue(self):
        return sum(1 for digest in self.digests if digest.data_overdue)


def overview(digests, *, shown=SHOWN, looked_at=SHOWN):
    """An IndicatorOverview of these digests, loading in full the first `shown` indicators and the
    `looked_at` needing attention first (three queries, none when both are 0)."""
    digests = list(digests)
    first = [digest.pk for digest in digests[:shown]]
    # sorted() is stable: equal attention keeps plan order, as spc_reading.where_to_look does.
    looked = [digest.pk for digest in sorted(digests, key=lambda digest: digest.attention)[:looked_at]]
    loaded = Indicator.objects.with_spc().in_bulk(set(first) | set(looked)) if first or looked else {}
    return IndicatorOverview(
        digests=digests,
        indicators=[loaded[pk] for pk in first if pk in loaded],  # (one deleted meanwhile is left out)
        where_to_look=[loaded[pk] for pk in looked if pk in loaded],
    )
