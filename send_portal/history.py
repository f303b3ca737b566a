"""Readable change history from django-simple-history: who changed what, when, old → new."""

from django.db.models import ForeignKey

IGNORED_FIELDS = {"updated", "version", "ref_sort", "created"}
KIND = {"+": "Created", "~": "Changed", "-": "Deleted"}


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


def history_entries(obj, newest_first=True):
    """The change history of one tracked object: a list of dicts with `when`, `who`, `kind` and
    `changes` [(field label, old, new)]. One query, plus one per kind of related record."""
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    model = type(obj)
    wanted = {}
    for record in records:
        for field in model._meta.concrete_fields:
            if isinstance(field, ForeignKey) and getattr(record, field.attname) is not None:
                wanted.setdefault(field.related_model, set()).add(getattr(record, field.attname))
    related = {}  # one query per related model, however long the history
    for related_model, ids in wanted.items():
        for pk, instance in related_model._default_manager.in_bulk(ids).items():
            related[(related_model, pk)] = str(instance)

    entries = []
    previous = None
    for record in records:
        changes = []
        for field in model._meta.concrete_fields:
            if field.name in IGNORED_FIELDS or field.primary_key:
                continue
            new = getattr(record, field.attname)
            old = getattr(previous, field.attname) if previous is not None else None
            if previous is None and new in (None, ""):
                continue
            if previous is None or old != new:
                changes.append(
                    (
                        field.verbose_name,
                        _display(field, old, related) if previous else "",
                        _display(field, new, related),
                    )
                )
        if changes or record.history_type != "~":
            entries.append(
                {
                    "when": record.history_date,
                    "who": record.history_user.display_name
                    if record.history_user_id
                    else "The system (plan file or import)",
                    "kind": KIND[record.history_type],
                    "reason": record.history_change_reason or "",
                    "changes": changes,
                }
            )
        previous = record
    return entries[::-1] if newest_first else entries
