"""The demo's public site (send_portal/data/public_site.yaml): published plain-English summaries of the
priorities, "you said, we did" entries, measures and two chair's updates, so /public/ is worth reading on
first start. Called by `manage.py load_plan` for the shipped demo plan, after its highlight reports (the
chair's updates go to the same two Board meetings). Loading again changes nothing."""

from pathlib import Path

import yaml
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from actions.models import Priority
from governance.models import FeedbackItem
from indicators.models import Indicator
from public_site.models import ChairsUpdate, PrioritySummary, PublicMeasure, YouSaidWeDid
from reporting.demo import demo_board_meetings
from send_portal.roles import OPERATIONS_GROUP

DEMO_FILE = Path(__file__).resolve().parent.parent / "send_portal" / "data" / "public_site.yaml"


def _publisher():
    group = Group.objects.filter(name=OPERATIONS_GROUP).first()
    return group.user_set.order_by("pk").first() if group else None


def load_demo_public_site(path=DEMO_FILE, today=None):
    """Create and publish the demo's public items that are missing; returns how many were created."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    priorities = {
        p.number: p for p in Priority.objects.all()
    }  # the current plan's: numbers are unique per version
    by = _publisher()
    created = []
    with transaction.atomic():
        for entry in data.get("summaries", []):
            priority = priorities.get(entry["priority"])
            if priority is None or PrioritySummary.objects.filter(priority=priority).exists():
                continue
            created.append(
                PrioritySummary(
                    priority=priority,
                    title=entry["title"],
                    doing=entry["doing"],
                    changed=entry.get("changed", ""),
                )
            )
        for entry in data.get("entries", []):
            if YouSaidWeDid.objects.filter(you_said=entry["you_said"]).exists():
                continue
            feedback = (
                FeedbackItem.objects.filter(you_said=entry.get("feedback", "")).first()
                if entry.get("feedback")
                else None
            )
            created.append(
                YouSaidWeDid(
                    priority=priorities.get(entry.get("priority")),
                    feedback_item=feedback,
                    you_said=entry["you_said"],
                    we_did=entry["we_did"],
                    what_changed=entry.get("what_changed", ""),
                )
            )
        codes = [m["indicator"] for m in data.get("measures", [])]
        indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
        for entry in data.get("measures", []):
            indicator = indicators.get(entry["indicator"])
            if indicator is None or PublicMeasure.objects.filter(indicator=indicator).exists():
                continue
            created.append(PublicMeasure(indicator=indicator, name=entry["name"], sentence=entry["sentence"]))
        meetings = demo_board_meetings(today)
        if len(meetings) == 2:
            targets = {"previous": meetings[0], "latest": meetings[1]}
            for entry in data.get("updates", []):
                meeting = targets[entry["meeting"]]
                if ChairsUpdate.objects.filter(meeting=meeting).exists():
                    continue
                created.append(ChairsUpdate(meeting=meeting, title=entry["title"], body=entry["body"]))
        now = timezone.now()
        for item in created:
            meeting = getattr(item, "meeting", None)
            item.publish(by=by, now=now if meeting is None else _evening_of(meeting.date, now))
    return len(created)


def _evening_of(day, now):
    """The chair's update is published the day after its meeting (never in the future)."""
    from datetime import datetime, time, timedelta

    moment = timezone.make_aware(datetime.combine(day + timedelta(days=1), time(17, 0)))
    return min(moment, now)
