"""Readable change history from django-simple-history: who changed what, when, old → new."""

from django.db.models import ForeignKey

IGNORED_FIELDS = {"updated", "version", "ref_sort", "created"}
KIND = {"+": "Created", "~": "Changed", "-": "Deleted"}
SYSTEM = "The system (plan file or import)"


def _display(field, value, related):
    """A stored value as a person reads it: choice labels, names of related records, 'empty' for nothing."""
    if value in (None, ""):
        return "(empty)"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, ForeignKey):
        return related.get((field.related_model, value), f"(deleted record #{value})")
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return value


def _related_names(fields, records):
    """str() of every record the history's foreign keys point at: one query per related model."""
    wanted = {}
    for record in records:
        for field in fields:
            if isinstance(field, ForeignKey) and getattr(record, field.attname) is not None:
                wanted.setdefault(field.related_model, set()).add(getattr(record, field.attname))
    related = {}
    for related_model, ids in wanted.items():
        for pk, instance in related_model._default_manager.in_bulk(ids).items():
            related[(related_model, pk)] = str(instance)
    return related


def changes_from_history(model, history, subject=None, skip=()):
    """Entries for the history rows of one model (for one object or several), oldest first.

    Each entry: `when`, `who`, `kind`, `reason`, `subject` (what the row is about, from `subject(record)`)
    and `changes` [(field label, old, new)], each row compared with the previous row of the same object.
    Queries: the history rows, plus one per kind of related record.
    """
    records = list(history.select_related("history_user").order_by("history_date", "history_id"))
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in IGNORED_FIELDS and f.name not in skip and not f.primary_key
    ]
    related = _related_names(fields, records)
    entries = []
    previous_by_object = {}
    for record in records:
        previous = previous_by_object.get(record.id)
        changes = []
        for field in fields:
            new = getattr(record, field.attname)
            if previous is None:
                if new not in (None, ""):
                    changes.append((field.verbose_name, "", _display(field, new, related)))
            elif getattr(previous, field.attname) != new:
                old = getattr(previous, field.attname)
                changes.append(
                    (field.verbose_name, _display(field, old, related), _display(field, new, related))
                )
        if changes or record.history_type != "~":
            entries.append(
                {
                    "when": record.history_date,
                    "who": record.history_user.display_name if record.history_user_id else SYSTEM,
                    "kind": KIND[record.history_type],
                    "reason": record.history_change_reason or "",
                    "subject": subject(record) if subject else "",
                    "changes": changes,
                }
            )
        previous_by_object[record.id] = record
    return entries


def history_entries(obj, newest_first=True):
    """The change history of one tracked object (see changes_from_history)."""
    entries = changes_from_history(type(obj), obj.history.all())
    return entries[::-1] if newest_first else entries


def merged(*entry_lists):
    """Several histories as one timeline, newest first."""
    timeline = [entry for entries in entry_lists for entry in entries]
    timeline.sort(key=lambda entry: entry["when"], reverse=True)
    return timeline
