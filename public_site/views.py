"""The families' site (no sign-in, cached, no cookies) and the Operations Group's editor pages for it.

The public half reads published copies only (`published_*` fields and the values of chosen indicators):
never a draft, an officer's name, an internal narrative or an evidence file. Its GET pages are served from
the cache (public_site/cache.py) and use no session and no CSRF token, so they set no cookie.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from actions.models import Priority
from governance.models import Meeting
from indicators.models import Measurement
from public_site import charts, readability, services
from public_site.cache import public_cacheable
from public_site.forms import (
    ALL,
    ChairsUpdateForm,
    PrioritySummaryForm,
    PublicMeasureForm,
    SubscribeForm,
    YouSaidWeDidForm,
)
from public_site.models import (
    PICTURES,
    ChairsUpdate,
    PrioritySummary,
    PublicMeasure,
    Subscriber,
    YouSaidWeDid,
)
from public_site.tasks import send_confirmation
from send_portal.base_views import versioned_edit
from send_portal.rules import who_can

# The date the accessibility statement and privacy notice were last reviewed.
STATEMENTS_REVIEWED = date(2026, 12, 1)
SUBSCRIBE_LIMIT = 5  # sign-ups an address may ask for
SUBSCRIBE_WINDOW = 60 * 60  # each hour
CONFIRM_MAX_AGE = timedelta(days=3)


def public_page(view):
    """A page of the public site: no sign-in needed, served from the cache, and outside a transaction
    (ATOMIC_REQUESTS would begin one for every request: on SQLite, BEGIN IMMEDIATE takes the write lock)."""
    return login_not_required(transaction.non_atomic_requests(public_cacheable(view)))


def _last_updated(*groups):
    dates = [item.published_at for group in groups for item in group if item.published_at]
    return max(dates).date() if dates else STATEMENTS_REVIEWED


def _measures(queryset):
    """Each published measure with its rows (last 12 values) and its chart."""
    shown = []
    for measure in queryset:
        rows = charts.measure_rows(measure)
        title_id = f"measure-{measure.pk}-sentence"
        shown.append(
            {
                "measure": measure,
                "rows": rows,
                "chart": charts.bar_chart_svg(measure, rows, title_id),
                "title_id": title_id,
                "target": measure.indicator.formatted_target,
            }
        )
    return shown


def _published_measures():
    return (
        PublicMeasure.objects.published()
        .select_related("indicator__priority")
        .prefetch_related(
            Prefetch("indicator__measurements", queryset=Measurement.objects.order_by("period_end"))
        )
    )


@public_page
def home(request):
    summaries = list(PrioritySummary.objects.published().select_related("priority"))
    latest_update = ChairsUpdate.objects.published().first()
    entries = list(YouSaidWeDid.objects.published()[:3])
    return render(
        request,
        "public/home.html",
        {
            "summaries": summaries,
            "latest_update": latest_update,
            "entries": entries,
            "last_updated": _last_updated(summaries, entries, [latest_update] if latest_update else []),
        },
    )


@public_page
def priority(request, number):
    summary = get_object_or_404(
        PrioritySummary.objects.published().select_related("priority"), priority__number=number
    )
    entries = list(YouSaidWeDid.objects.published().filter(priority=summary.priority))
    measures = list(_published_measures().filter(indicator__priority=summary.priority))
    return render(
        request,
        "public/priority.html",
        {
            "summary": summary,
            "entries": entries,
            "measures": _measures(measures),
            "last_updated": _last_updated([summary], entries, measures),
        },
    )


@public_page
def yousaidwedid_list(request):
    entries = list(YouSaidWeDid.objects.published().select_related("priority__public_summary"))
    return render(
        request,
        "public/yousaidwedid_list.html",
        {"entries": entries, "last_updated": _last_updated(entries)},
    )


@public_page
def chairsupdate_list(request):
    updates = list(ChairsUpdate.objects.published())
    return render(
        request, "public/chairsupdate_list.html", {"updates": updates, "last_updated": _last_updated(updates)}
    )


@public_page
def chairsupdate_detail(request, pk):
    update = get_object_or_404(ChairsUpdate.objects.published(), pk=pk)
    return render(
        request,
        "public/chairsupdate_detail.html",
        {"update": update, "last_updated": _last_updated([update])},
    )


EASY_READ_MODELS = {
    "priority": PrioritySummary,
    "you-said-we-did": YouSaidWeDid,
    "chairs-update": ChairsUpdate,
    "measure": PublicMeasure,
}


@public_page
def easy_read(request, kind, pk):
    model = EASY_READ_MODELS.get(kind)
    if model is None:
        raise Http404("There is no such page.")
    item = get_object_or_404(model.objects.published().exclude(published_easy_read=[]), pk=pk)
    lines = [
        {**line, "src": f"public/pictures/{line['picture']}.svg" if line["picture"] else ""}
        for line in item.published_easy_read
    ]
    return render(
        request,
        "public/easy_read.html",
        {
            "item": item,
            "lines": lines,
            "back": item.get_absolute_url(),
            "last_updated": _last_updated([item]),
        },
    )


@public_page
def accessibility(request):
    return render(request, "public/accessibility.html", {"last_updated": STATEMENTS_REVIEWED})


@public_page
def privacy(request):
    return render(request, "public/privacy.html", {"last_updated": STATEMENTS_REVIEWED})


class PublicFeed(Feed):
    """Atom feed of everything published, newest first."""

    feed_type = Atom1Feed
    title = "Progress for families"
    subtitle = "What the SEND partnership is doing, what families told us and what changed."

    def link(self):
        return reverse("public:home")

    def items(self):
        items = [
            *PrioritySummary.objects.published().select_related("priority"),
            *YouSaidWeDid.objects.published(),
            *ChairsUpdate.objects.published(),
        ]
        return sorted(items, key=lambda item: item.published_at, reverse=True)[:50]

    def item_title(self, item):
        return services.public_title(item)

    def item_description(self, item):
        return services.public_text(item)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_guid(self, item):
        return f"{item._meta.model_name}-{item.pk}"

    item_guid_is_permalink = False


feed = public_page(PublicFeed())


def _priority_choices():
    return list(
        PrioritySummary.objects.published()
        .order_by("priority__number")
        .values_list("priority__number", "published_title")
    )


def _client_address(request):
    from axes.helpers import get_client_ip_address  # the address as the sign-in lockout sees it

    return get_client_ip_address(request) or "unknown"


def _over_limit(request):
    """Count this sign-up against its address; True past SUBSCRIBE_LIMIT in SUBSCRIBE_WINDOW."""
    key = f"public:subscribe:{_client_address(request)}"
    cache.add(key, 0, SUBSCRIBE_WINDOW)
    try:
        return cache.incr(key) > SUBSCRIBE_LIMIT
    except ValueError:  # expired between add and incr
        cache.set(key, 1, SUBSCRIBE_WINDOW)
        return False


# No CSRF token: the page is cached and served to everyone alike, so it cannot carry one, and it must set
# no cookie. CSRF guards what a forged request does with the victim's own sign-in; this form uses no
# sign-in and does nothing a stranger could not do by posting it themselves: it sends one confirmation
# mail to the address typed, and nothing is stored until that mail's link is followed. The rate limit per
# address (SUBSCRIBE_LIMIT an hour) stops it being used to flood someone's inbox.
@csrf_exempt
@login_not_required
@transaction.non_atomic_requests
def subscribe(request):
    if request.method != "POST":
        return _subscribe_page(request)
    priorities = _priority_choices()
    form = SubscribeForm(request.POST, priorities=priorities)
    if _over_limit(request):
        form.is_valid()
        form.add_error(None, "You have asked for too many sign-ups from here. Try again in an hour.")
        return render(
            request, "public/subscribe.html", {"form": form, "last_updated": STATEMENTS_REVIEWED}, status=429
        )
    if not form.is_valid():
        return render(request, "public/subscribe.html", {"form": form, "last_updated": STATEMENTS_REVIEWED})
    scope = form.cleaned_data["scope"]
    number = None if scope == ALL else int(scope)
    email = form.cleaned_data["email"]
    transaction.on_commit(lambda: send_confirmation.enqueue(email, number))
    return redirect("public:subscribe_sent")


@public_cacheable
def _subscribe_page(request):
    form = SubscribeForm(priorities=_priority_choices(), initial={"scope": request.GET.get("priority", ALL)})
    return render(request, "public/subscribe.html", {"form": form, "last_updated": STATEMENTS_REVIEWED})


@public_page
def subscribe_sent(request):
    return render(request, "public/subscribe_sent.html", {"last_updated": STATEMENTS_REVIEWED})


@login_not_required
def subscribe_confirm(request, token):
    """The link in the confirmation mail: only now is the address stored."""
    try:
        email, number = services.read_confirmation_token(token, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return render(
            request,
            "public/subscribe_confirm.html",
            {"invalid": True, "last_updated": STATEMENTS_REVIEWED},
            status=404,
        )
    priority = Priority.objects.filter(number=number).first() if number else None
    if number and priority is None:
        raise Http404("That priority is no longer on the public site.")
    subscriber, _ = Subscriber.objects.get_or_create(email=email, priority=priority)
    return render(
        request,
        "public/subscribe_confirm.html",
        {
            "subscriber": subscriber,
            "summary": PrioritySummary.objects.published().filter(priority=priority).first()
            if priority
            else None,
            "unsubscribe_url": reverse("public:unsubscribe", args=[services.unsubscribe_token(subscriber)]),
            "last_updated": STATEMENTS_REVIEWED,
        },
    )


@csrf_exempt  # the signed link is the proof; mail clients' one-click unsubscribe (RFC 8058) POSTs without a form
@login_not_required
def unsubscribe(request, token):
    """GET shows one button (link checkers and previews must not unsubscribe anyone); POST, from that
    button or from the mail client's own unsubscribe (List-Unsubscribe-Post), deletes the address."""
    subscriber = services.subscriber_from_token(token)
    done = False
    if request.method == "POST":
        if subscriber is not None:
            subscriber.delete()
        done = True
    elif subscriber is None:
        done = True  # already gone: say so rather than fail
    return render(request, "public/unsubscribe.html", {"done": done, "last_updated": STATEMENTS_REVIEWED})


def page_not_found(request, exception):
    """The public host's 404 (the portal's own 404 page links to signed-in pages)."""
    return render(request, "public/404.html", {"last_updated": STATEMENTS_REVIEWED}, status=404)


# --- The editor pages (signed in: the Operations Group and administrators) -----------------------------


def _require_publisher(request):
    if not request.user.has_perm("public.publish"):
        raise PermissionDenied(who_can("public.publish"))


def content_index(request):
    _require_publisher(request)
    summaries = {s.priority_id: s for s in PrioritySummary.objects.select_related("priority")}
    return render(
        request,
        "public_content/index.html",
        {
            "priorities": [(p, summaries.get(p.pk)) for p in Priority.objects.order_by("number")],
            "entries": YouSaidWeDid.objects.select_related("priority"),
            "updates": ChairsUpdate.objects.select_related("meeting__group"),
            "measures": PublicMeasure.objects.select_related("indicator__priority"),
            "meetings": Meeting.objects.filter(chairs_update__isnull=True)
            .select_related("group")
            .order_by("-date")[:12],
        },
    )


EDITORS = {
    "prioritysummary": (PrioritySummary, PrioritySummaryForm),
    "yousaidwedid": (YouSaidWeDid, YouSaidWeDidForm),
    "chairsupdate": (ChairsUpdate, ChairsUpdateForm),
    "publicmeasure": (PublicMeasure, PublicMeasureForm),
}


def _edit(request, kind, instance=None, initial=None, extra=None):
    """Save the draft (never the public copy), then come back to it with its readability."""
    _require_publisher(request)
    model, form_class = EDITORS[kind]
    conflict = None
    if instance is None:
        form = form_class(request.POST or None, initial=initial)
        saved = request.method == "POST" and form.is_valid()
        if saved:
            instance = form.save()
    else:  # someone else's save since the form was loaded is refused, saying what they changed
        saved, form, conflict = versioned_edit(request, form_class, instance)
    if saved:
        messages.success(
            request, "Draft saved. The public site has not changed: publish it when it is ready."
        )
        return redirect("public_content:item_edit", kind=kind, pk=instance.pk)
    text = instance.draft_text if instance is not None and instance.pk else ""
    if initial:
        text = "\n\n".join(str(v) for k, v in initial.items() if isinstance(v, str) and k != "easy_read")
    return render(
        request,
        "public_content/edit.html",
        {
            "form": form,
            "item": instance,
            "kind": kind,
            "model_name": model._meta.verbose_name,
            "check": readability.check(text),
            "aim": readability.AIM,
            "pictures": PICTURES,
            "conflict": conflict,
            **(extra or {}),
        },
    )


def item_add(request, kind):
    if kind not in EDITORS:
        raise Http404("There is no such kind of public item.")
    initial = None
    extra = {}
    if kind == "chairsupdate" and request.GET.get("meeting", "").isdigit():
        _require_publisher(request)
        meeting = get_object_or_404(Meeting.objects.select_related("group"), pk=request.GET["meeting"])
        initial = services.draft_chairs_update(meeting)
        extra["drafted_from"] = meeting
    if kind == "prioritysummary" and request.GET.get("priority", "").isdigit():
        initial = {"priority": request.GET["priority"]}
    return _edit(request, kind, instance=None, initial=initial, extra=extra)


def item_edit(request, kind, pk):
    if kind not in EDITORS:
        raise Http404("There is no such kind of public item.")
    _require_publisher(request)
    instance = get_object_or_404(EDITORS[kind][0], pk=pk)
    return _edit(request, kind, instance=instance)


@require_POST
def item_publish(request, kind, pk):
    if kind not in EDITORS:
        raise Http404("There is no such kind of public item.")
    _require_publisher(request)
    item = get_object_or_404(EDITORS[kind][0], pk=pk)
    if request.POST.get("action") == "unpublish":
        item.unpublish(by=request.user)
        messages.success(request, f"“{item}” is no longer on the public site.")
    else:
        item.publish(by=request.user)
        messages.success(
            request, f"“{item}” is published. People who asked for email updates will be sent it."
        )
    return redirect("public_content:item_edit", kind=kind, pk=item.pk)
