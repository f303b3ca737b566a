"""The Operations Group's sign-off: the queue of everything leads have submitted (progress updates,
indicator values, highlight reports), oldest first, and approving or returning one with a reason; and the
lead's side of it, what was returned to them and is still unanswered (returned_to: their My actions page
and their reminder digest both read it).

The rule itself (who may, what an approval changes, refusing one's own submission or an item already
signed off) is on the models (send_portal.models.ReviewedModel) and in send_portal/rules.py; these views
only call it. A separate module from reporting/views.py because it reads all three apps' submissions."""

from dataclasses import dataclass

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from actions.models import ProgressUpdate
from indicators.models import Measurement
from reporting.models import HighlightReport
from send_portal.models import Review, SignOffRefused
from send_portal.rules import who_can

# The kinds of submission, as the sign-off URLs name them: (model, the queue's select_related).
KINDS = {
    "update": (ProgressUpdate, ("action__priority", "author", "submitted_by")),
    "value": (Measurement, ("indicator__priority", "recorded_by", "submitted_by")),
    "report": (HighlightReport, ("priority", "meeting", "author", "submitted_by")),
}
HEADINGS = {"update": "Progress updates", "value": "Indicator values", "report": "Highlight reports"}


@dataclass(frozen=True)
class QueueSection:
    kind: str
    heading: str
    items: list
    own: frozenset  # pks of the items the viewer submitted: they may not sign these off


def sign_off_queue(user):
    """Everything awaiting sign-off, by kind, oldest submission first (three queries)."""
    sections = []
    for kind, (model, related) in KINDS.items():
        items = list(
            model.objects.awaiting_sign_off().select_related(*related).order_by("submitted_at", "pk")
        )
        own = frozenset(item.pk for item in items if item.submitted_by_id == user.pk)
        sections.append(QueueSection(kind, HEADINGS[kind], items, own))
    return sections


@dataclass(frozen=True)
class Returned:
    """What was returned to a person and is still unanswered, by kind, the latest return first; and how
    many of their submissions await sign-off."""

    updates: list  # ProgressUpdate, returned and no newer update on its action since
    values: list  # Measurement, returned (a correction sends the same row again, so it answers it)
    reports: list  # HighlightReport, returned (an edit sends the same row again)
    awaiting: int


def returned_to(user):
    """What was returned of the user's work (their actions and priorities, their indicators, and whatever
    they submitted) with the reasons, updates only while no newer update answers them; and how many of
    those await sign-off. Three queries, one per kind, each with what a page or mail names of it (the
    action, indicator, or priority and meeting; who returned it) loaded."""
    unanswered = ~Exists(
        ProgressUpdate.objects.filter(action=OuterRef("action"), created__gt=OuterRef("created"))
    )
    updates = (
        ProgressUpdate.objects.exclude(review=Review.APPROVED)
        .filter(Q(action__priority__lead=user) | Q(action__lead=user) | Q(submitted_by=user))
        .annotate(unanswered=unanswered)
        .select_related("action", "reviewed_by")
    )
    values = (
        Measurement.objects.exclude(review=Review.APPROVED)
        .filter(Q(indicator__priority__lead=user) | Q(indicator__owner=user) | Q(submitted_by=user))
        .select_related("indicator", "reviewed_by")
    )
    reports = (
        HighlightReport.objects.exclude(review=Review.APPROVED)
        .filter(Q(priority__lead=user) | Q(submitted_by=user))
        .select_related("priority", "meeting", "reviewed_by")
    )
    awaiting, returned = 0, {}
    for name, rows in (("updates", updates), ("values", values), ("reports", reports)):
        rows = list(rows.order_by("-reviewed_at", "-pk"))
        awaiting += sum(1 for row in rows if row.is_awaiting_sign_off)
        returned[name] = [row for row in rows if row.is_returned and getattr(row, "unanswered", True)]
    return Returned(awaiting=awaiting, **returned)


def _submission(user, kind, pk):
    """The submission of `kind` (404 for an unknown kind or pk), once the user may sign off at all (403)."""
    if kind not in KINDS:
        raise Http404("There is no such kind of submission.")
    if not user.has_perm("send_portal.view_sign_off"):
        raise PermissionDenied(who_can("send_portal.view_sign_off"))
    model, related = KINDS[kind]
    return get_object_or_404(model.objects.visible_to(user).select_related(*related), pk=pk)


def sign_off(request):
    """The Operations Group's queue: what awaits sign-off, by kind, oldest first, with approve and return."""
    if not request.user.has_perm("send_portal.view_sign_off"):
        raise PermissionDenied(who_can("send_portal.view_sign_off"))
    sections = sign_off_queue(request.user)
    return render(
        request,
        "reporting/sign_off.html",
        {"sections": sections, "total": sum(len(section.items) for section in sections)},
    )


def _version(request):
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


@require_POST
def submission_approve(request, kind, pk):
    """Approve one submission; already signed off, or one's own, is refused with what happened."""
    submission = _submission(request.user, kind, pk)
    try:
        submission.approve(by=request.user, expected_version=_version(request))
    except SignOffRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Approved: {submission}. The Board's pages now show it.")
    return redirect("reporting:sign_off")


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label="Why is it returned?",
        help_text="The lead reads this on their My actions page and in a mail. Say what to change.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why it is returned, so the lead knows what to change"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("version"), Field.textarea("reason", label_size=Size.SMALL, rows=4))
        self.helper.add_input(Submit("return", "Return to the lead"))


def submission_return(request, kind, pk):
    """Return one submission to its lead with a reason (required, said next to the field)."""
    submission = _submission(request.user, kind, pk)
    if not submission.is_awaiting_sign_off:  # said as an approval or return that came second is told
        messages.error(request, submission.not_awaiting_message())
        return redirect("reporting:sign_off")
    if not request.user.has_perm("send_portal.sign_off", submission):
        raise PermissionDenied(who_can("send_portal.sign_off"))
    form = ReturnForm(request.POST or None, initial={"version": getattr(submission, "version", None)})
    if request.method == "POST" and form.is_valid():
        try:
            submission.return_to_lead(
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except SignOffRefused as refused:
            messages.error(request, refused.message)
            return redirect("reporting:sign_off")
        except ValidationError as error:
            form.add_error("reason", error.message_dict.get("reason", error.messages))
        else:
            messages.success(request, f"Returned to the lead: {submission}. They are told why.")
            return redirect("reporting:sign_off")
    return render(
        request,
        "reporting/submission_return.html",
        {
            "title": "Return to the lead",
            "intro": "Say what the lead should change. The submission stays on record with your reason.",
            "form": form,
            "submission": submission,
            "kind": kind,
            "back_url": reverse("reporting:sign_off"),
        },
    )
