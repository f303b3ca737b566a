"""Drafts and published copies: the public sees only what was published, and history keeps each copy."""

import pytest
from django.core.exceptions import ValidationError

from public_site.models import PrioritySummary, parse_easy_read


def test_editing_the_draft_leaves_the_published_copy_alone(summary):
    summary.doing = "A new draft nobody has checked."
    summary.save()

    summary.refresh_from_db()
    assert summary.published_doing == "We hired more staff."
    assert summary.has_unpublished_changes


def test_publishing_copies_the_draft_and_records_who_and_when(summary, operations):
    summary.doing = "We hired twelve more staff."
    summary.save()
    summary.publish(by=operations)

    summary.refresh_from_db()
    assert summary.published_doing == "We hired twelve more staff."
    assert summary.published_by == operations and summary.published_at is not None
    assert not summary.has_unpublished_changes


def test_history_keeps_what_was_public_on_each_date(summary, operations):
    summary.doing = "Second version."
    summary.save()
    summary.publish(by=operations)

    published = [h.published_doing for h in summary.history.order_by("history_date") if h.is_published]
    assert published[0] == "We hired more staff."
    assert published[-1] == "Second version."


def test_taking_an_item_down_removes_it_from_the_published_list(summary, operations):
    summary.unpublish(by=operations)
    assert not PrioritySummary.objects.published().exists()


def test_easy_read_lines_carry_a_picture_and_its_alt_text():
    lines = parse_easy_read("We listen to you. | talk | Two people talking\n\nWe write to you.")
    assert lines == [
        {"text": "We listen to you.", "picture": "talk", "alt": "Two people talking"},
        {"text": "We write to you.", "picture": "", "alt": ""},
    ]


def test_an_easy_read_picture_needs_alt_text():
    with pytest.raises(ValidationError, match="say what the picture shows"):
        parse_easy_read("We listen. | talk")


def test_an_unknown_easy_read_picture_is_refused_with_the_line_number():
    with pytest.raises(ValidationError, match="Line 1: there is no picture called"):
        parse_easy_read("We listen. | dragon | A dragon")
