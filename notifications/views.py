"""Pages for mail: one's own preferences, the one-click unsubscribe, and for the Operations Group the
compliance view and the list of mail sent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from notifications.compliance import compliance
from notifications.forms import PreferenceForm
from notifications.models import Preference, SentMessage
from notifications.services import person_from_token
from send_portal.models import User
from send_portal.rules import who_can

MESSAGES_SHOWN = 100


def _require(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied(who_can(perm))


def preference_edit(request):
    """The signed-in person chooses their reminder digest and notifications."""
    form = PreferenceForm(request.POST or None, instance=Preference.of(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your email choices are saved.")
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "can_see_compliance": request.user.has_perm("notifications.view_compliance")},
    )


@login_not_required
@csrf_exempt  # the signed link is the proof; mail clients' one-click unsubscribe (RFC 8058) POSTs without a form
def unsubscribe(request, token):
    """One-click unsubscribe from a mail's signed link, without signing in: GET shows a confirm button
    (link checkers and previews must not unsubscribe anyone), POST unsubscribes."""
    person = person_from_token(token)
    if person is None:
        raise Http404("This unsubscribe link is not valid. Check it was copied in full.")
    done = False
    if request.method == "POST":
        Preference.of(person).unsubscribe()
        done = True
    return render(request, "notifications/unsubscribe.html", {"person": person, "done": done})


def compliance_view(request):
    """For the current month: each lead and lead organisation, what is due from them, what they updated and
    when, and whether they were reminded; every number links to its list."""
    _require(request, "notifications.view_compliance")
    today = timezone.localdate()
    by_person, by_organisation = compliance(today)
    return render(
        request,
        "notifications/compliance.html",
        {"by_person": by_person, "by_organisation": by_organisation, "month": today.replace(day=1)},
    )


def sentmessage_list(request):
    """The mail the portal sent, newest first; ?recipient=<id> for one person's."""
    _require(request, "notifications.view_sentmessage")
    sent = SentMessage.objects.select_related("recipient").order_by("-sent_at", "-pk")
    recipient = None
    if request.GET.get("recipient", "").isdigit():
        recipient = User.objects.filter(pk=request.GET["recipient"]).first()
        sent = sent.filter(recipient=recipient)
    return render(
        request,
        "notifications/sentmessage_list.html",
        {"sent": sent[:MESSAGES_SHOWN], "recipient": recipient, "shown": MESSAGES_SHOWN},
    )
