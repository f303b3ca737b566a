"""Pages for success indicators: list, indicator page, its charts (trajectory and SPC), sparkline and CSV,
recording and correcting a value, uploading values from a CSV file, rebasing the SPC chart, and how to read
the charts."""

import csv
import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.csp import CSP
from django.utils.dateparse import parse_date
from django.utils.http import quote_etag
from django.views.decorators.csp import csp_override

from indicators import charts, spc, uploads
from indicators.filters import IndicatorFilterSet
from indicators.forms import MeasurementForm, RebaseForm, RebaseRemoveForm, UploadForm
from indicators.models import Indicator, Measurement, Outcome, Rebase, plain_number
from indicators.spc_reading import ASSURANCE, MARKERS, MEANINGS, VARIATION, Verdict
from indicators.tables import IndicatorTable
from send_portal.base_views import ObjectListView, field_labels, get_permitted, keep_input
from send_portal.exports import escape_formula
from send_portal.history import changes_from_history, merged
from send_portal.middleware import upload_limit
from send_portal.models import StaleEdit
from send_portal.rules import who_can

CORRECTION_REASON = "Corrected in the portal"
# A chart opened on its own (e.g. "open image in new tab") is its own document: matplotlib styles it with
# `style` attributes, which the site-wide policy blocks. It runs no script and loads nothing.
SVG_CSP = {"default-src": [CSP.NONE], "style-src": [CSP.UNSAFE_INLINE], "frame-ancestors": [CSP.NONE]}
# Which chart an indicator page shows: chosen with ?chart= (links, so it works without JavaScript), then
# remembered for every indicator page in a cookie of its own. Not in the session: every request saves the
# session (to extend it), so a chart image still loading from the page before would write the old choice
# back over the new one.
CHART_CHOICES = (charts.TRAJECTORY, charts.SPC)
CHART_COOKIE = "indicator_chart"
CHART_COOKIE_AGE = 365 * 24 * 60 * 60


class IndicatorListView(ObjectListView):
    permission_required = "indicators.view_indicator"
    queryset = Indicator.objects.for_table()
    table_class = IndicatorTable
    filterset_class = IndicatorFilterSet
    template_name = "indicators/indicator_list.html"
    title = "Indicators"
    export_name = "indicators"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("indicators.upload_measurements"):
            context["upload_url"] = reverse("indicators:measurement_upload")
        return context


def indicator_detail(request, code):
    """An indicator: its definition, the chart the person chose (trajectory or SPC) with its data table,
    the history of corrections and the SPC chart's rebases."""
    indicator = get_permitted(
        request.user, Indicator, "indicators.view_indicator", Indicator.objects.for_detail(), code=code
    )
    chart = chosen_chart(request)
    response = render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": indicator,
            "corrections": indicator.corrections(),
            "can_record": request.user.has_perm("indicators.add_measurement", indicator),
            "can_escalate": request.user.has_perm("governance.add_escalation", indicator),
            "chart": chart,
            "removed_rebases": indicator.removed_rebases(),
            "can_rebase": request.user.has_perm("indicators.add_rebase", indicator),
            "can_remove_rebase": request.user.has_perm("indicators.delete_rebase", indicator),
        },
    )
    if request.GET.get("chart") == chart != request.COOKIES.get(CHART_COOKIE):  # a new choice
        response.set_cookie(
            CHART_COOKIE,
            chart,
            max_age=CHART_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def chosen_chart(request):
    """'trajectory' or 'spc': the chart asked for with ?chart=; otherwise the one the person chose last,
    and the trajectory chart until they choose."""
    asked = request.GET.get("chart")
    if asked in CHART_CHOICES:
        return asked
    remembered = request.COOKIES.get(CHART_COOKIE)
    return remembered if remembered in CHART_CHOICES else charts.TRAJECTORY


@csp_override(SVG_CSP)
def indicator_chart(request, code):
    """The indicator's trajectory chart as SVG, for an <img>; drawn again only when its data change."""
    indicator = get_permitted(request.user, Indicator, "indicators.view_indicator", code=code)
    return _svg_response(request, indicator, charts.TRAJECTORY)


@csp_override(SVG_CSP)
def indicator_spc_chart(request, code):
    """The indicator's SPC chart as SVG, for an <img>; drawn again only when its values or rebases change."""
    indicator = get_permitted(request.user, Indicator, "indicators.view_indicator", code=code)
    return _svg_response(request, indicator, charts.SPC)


@csp_override(SVG_CSP)
def indicator_sparkline(request, code):
    """The indicator's sparkline as SVG, for an <img> whose alt text gives the trend in words."""
    indicator = get_permitted(request.user, Indicator, "indicators.view_indicator", code=code)
    return _svg_response(request, indicator, charts.SPARKLINE)


def _svg_response(request, indicator, kind):
    """The cached chart, or 304 Not Modified when the browser already holds this version of it."""
    key = charts.chart_cache_key(indicator, kind)
    etag = quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag)
    if response is None:
        svg, _ = charts.cached_chart_svg(indicator, kind, key=key)
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def indicator_csv(request, code):
    """The indicator's values as CSV: the chart's data, in the columns the upload page reads."""
    indicator = get_permitted(
        request.user, Indicator, "indicators.view_indicator", Indicator.objects.for_detail(), code=code
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{indicator.code}.csv"'
    response.write("\ufeff")  # a byte-order mark, so Excel reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        ["indicator code", "period end", "value", "unit", "trajectory", "status", "illustrative", "note"]
    )
    for measurement in indicator.series:
        writer.writerow(
            [
                indicator.code,
                measurement.period_end.isoformat(),
                plain_number(measurement.value).replace(",", ""),
                indicator.get_unit_display(),
                measurement.expected_value,
                measurement.status.label,
                "yes" if measurement.is_illustrative else "no",
                escape_formula(measurement.note),
            ]
        )
    return response


def measurement_add(request, code):
    """Record a value for a period, or correct one (said explicitly); the history keeps the old value. A
    correction made after someone else's is refused with what they changed, keeping what was typed."""
    indicator = get_permitted(
        request.user,
        Indicator,
        "indicators.add_measurement",
        Indicator.objects.select_related("priority").with_measurements(),
        code=code,
    )
    form = MeasurementForm(
        request.POST if request.method == "POST" else None,
        indicator=indicator,
        initial=_initial(indicator, request.GET),
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            measurement, outcome = indicator.record_value(
                period_end=data["period_end"],
                value=data["value"],
                note=data["note"],
                correct=data["correct"],
                expected_version=data["version"],
                by=request.user,
                reason=CORRECTION_REASON,
            )
        except ValidationError as error:
            # Checked again: a value someone recorded a moment ago is then refused as if it had been
            # there first (the same message, and the form carries its version for a correction).
            form = MeasurementForm(request.POST, indicator=indicator)
            if form.is_valid():
                form.add_error(None, error)
        except StaleEdit as stale:
            conflict = stale.current.changes_since(data["version"], labels=field_labels(form)) or {}
            form = keep_input(MeasurementForm, request, stale.current.version, indicator=indicator)
        else:
            messages.success(request, _recorded_message(indicator, measurement, outcome))
            return redirect(indicator)
    return render(
        request,
        "indicators/measurement_form.html",
        {"indicator": indicator, "form": form, "conflict": conflict},
    )


def _initial(indicator, query):
    """?period_end=2026-01-31 opens the form to correct that period's value; otherwise the form offers the
    next period to record (Indicator.next_period), when it has ended."""
    try:
        period_end = parse_date(query.get("period_end") or "")
    except ValueError:  # well formed but not a real date, e.g. 2026-02-30
        period_end = None
    # Every recorded value, approved or not: a lead corrects a returned value from here.
    existing = next((m for m in indicator.measurements.all() if m.period_end == period_end), None)
    if existing is not None:
        return {
            "period_end": existing.period_end,
            "value": plain_number(existing.value),
            "correct": True,
            "version": existing.version,
        }
    period = indicator.next_period()
    return {"period_end": period.end} if period else {}


def _recorded_message(indicator, measurement, outcome):
    said = _what_was_recorded(measurement, outcome)
    if measurement.is_awaiting_sign_off and outcome != Outcome.UNCHANGED:
        said += " It awaits sign-off by the Operations Group: the readings and charts use it once approved."
    return said


def _what_was_recorded(measurement, outcome):
    period = f"the period ending {measurement.period_end:%-d %B %Y}"
    if outcome == Outcome.CORRECTED:
        return (
            f"The value for {period} is corrected to {measurement.formatted_value}. "
            "The old value is kept in the history of corrections."
        )
    if outcome == Outcome.UNCHANGED:
        return f"Nothing changed: {measurement.formatted_value} was already recorded for {period}."
    return f"{measurement.formatted_value} is recorded for {period}."


@upload_limit(uploads.MAX_BYTES)
def measurement_upload(request):
    """Upload values from a CSV file: a preview of every row first; nothing is saved until confirmed."""
    if not request.user.has_perm("indicators.upload_measurements"):
        raise PermissionDenied(who_can("indicators.upload_measurements"))
    if request.method == "POST" and "payload" in request.POST:
        return _confirm_upload(request)
    form = UploadForm(*(request.POST, request.FILES) if request.method == "POST" else ())
    if request.method == "POST" and form.is_valid():
        preview = uploads.check_rows(form.parsed.rows, request.user)
        payload = uploads.dumps(form.parsed, preview, request.user, form.cleaned_data["file"].name)
        return _render_preview(
            request, preview, payload, form.cleaned_data["file"].name, form.parsed.encoding
        )
    return render(request, "indicators/measurement_upload.html", {"form": form})


def _confirm_upload(request):
    """Save what the preview showed, after checking every row again; if anything changed, show it again."""
    try:
        data = uploads.loads(request.POST["payload"], request.user)
    except uploads.UploadError as error:
        return render(
            request, "indicators/measurement_upload.html", {"form": UploadForm(), "problem": str(error)}
        )
    preview = uploads.check_rows(data["rows"], request.user)
    if preview.fingerprint == data["promised"]:
        try:
            done = uploads.save(preview, request.user)
        except StaleEdit:  # someone recorded or corrected a value of the file after the check just above
            preview = uploads.check_rows(data["rows"], request.user)
        else:
            return _saved_upload(request, preview, done, data["file"])
    payload = uploads.dumps(
        uploads.ParsedFile(data["rows"], data["encoding"]), preview, request.user, data["file"]
    )
    return _render_preview(request, preview, payload, data["file"], data["encoding"], changed=True)


def _saved_upload(request, preview, done, filename):
    """Say what an upload saved and what it did not, then go back to the indicators."""
    rejected = preview.count(Outcome.REJECTED)
    saved = done[Outcome.ADDED] + done[Outcome.CORRECTED]
    message = (
        f"Saved {saved} value{pluralize(saved)} from {filename}: "
        f"{done[Outcome.ADDED]} added, {done[Outcome.CORRECTED]} corrected."
    )
    if rejected:
        message += f" {rejected} rejected row{pluralize(rejected, ' was,s were')} not saved."
    messages.success(request, message)
    return redirect("indicators:indicator_list")


def measurement_upload_template(request):
    """A CSV file to fill in and upload: one row for each indicator the person may record whose next
    period has ended (Indicator.next_period), in the columns the upload reads, the value left blank."""
    if not request.user.has_perm("indicators.upload_measurements"):
        raise PermissionDenied(who_can("indicators.upload_measurements"))
    indicators = (
        Indicator.objects.recordable_by(request.user)
        .select_related("priority")
        .with_measurements()
        .order_by("priority__number", "code")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="indicator-values-template.csv"'
    response.write("\ufeff")  # a byte-order mark, so Excel reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(uploads.TEMPLATE_COLUMNS)
    for indicator in indicators:
        period = indicator.next_period()
        if period is not None:
            writer.writerow([indicator.code, period.end.isoformat(), "", ""])
    return response


def _render_preview(request, preview, payload, filename, encoding, changed=False):
    return render(
        request,
        "indicators/measurement_upload_preview.html",
        {
            "preview": preview,
            "payload": payload,
            "filename": filename,
            "encoding": encoding,
            "changed": changed,
        },
    )


def indicator_history(request, code):
    """Who changed this indicator's definition, target, values or SPC rebases, when, old → new."""
    indicator = get_permitted(request.user, Indicator, "indicators.view_indicator", code=code)
    entries = merged(
        changes_from_history(Indicator, indicator.history.all(), subject=lambda record: "Indicator details"),
        changes_from_history(
            Measurement,
            Measurement.history.filter(indicator_id=indicator.pk),
            subject=lambda record: f"Value for the period ending {record.period_end:%-d %B %Y}",
            skip=("indicator",),
        ),
        changes_from_history(
            Rebase,
            Rebase.history.filter(indicator_id=indicator.pk),
            subject=lambda record: f"Rebase of the SPC chart from {record.starts_on:%-d %B %Y}",
            skip=("indicator",),
        ),
    )
    return render(request, "indicators/indicator_history.html", {"indicator": indicator, "entries": entries})


def rebase_add(request, code):
    """Record the date from which the indicator's SPC chart starts again (a new mean and new limits)."""
    indicator = get_permitted(request.user, Indicator, "indicators.add_rebase", code=code)
    form = RebaseForm(
        request.POST if request.method == "POST" else None, instance=Rebase(indicator=indicator)
    )
    if request.method == "POST" and form.is_valid():
        try:
            rebase = indicator.rebase(
                starts_on=form.cleaned_data["starts_on"], reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"The SPC chart of {indicator.code} starts again from {rebase.starts_on:%-d %B %Y}: "
                "the first value for a period ending on or after that date begins a new mean and new limits.",
            )
            return redirect(
                reverse("indicators:indicator_detail", args=[indicator.code]) + "?chart=spc#chart"
            )
    return render(
        request,
        "layouts/object_form.html",
        {
            "title": "Rebase the SPC chart",
            "caption": f"{indicator.code} {indicator.name}",
            "intro": "Rebase when the process itself changed, for example a new way of working or a change "
            "in how the figure is counted: the chart then works out a new mean and new limits from the "
            "first value on or after the date. Do not rebase to remove values you dislike.",
            "form": form,
            "back_url": indicator.get_absolute_url(),
        },
    )


def rebase_delete(request, code, pk):
    """Remove a rebase recorded by mistake, saying why; the indicator's page keeps a record of it."""
    indicator = get_permitted(request.user, Indicator, "indicators.delete_rebase", code=code)
    rebase = get_object_or_404(Rebase.objects.visible_to(request.user), indicator=indicator, pk=pk)
    form = RebaseRemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        indicator.remove_rebase(rebase, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request, f"The rebase of {indicator.code} from {rebase.starts_on:%-d %B %Y} is removed."
        )
        return redirect(indicator.get_absolute_url() + "#rebases")
    return render(
        request,
        "indicators/rebase_confirm_delete.html",
        {"indicator": indicator, "rebase": rebase, "form": form},
    )


def how_to_read_charts(request):
    """How to read the SPC charts and icons, and where this analysis differs from the published guidance."""
    return render(
        request,
        "indicators/how_to_read_charts.html",
        {
            "variation": _one_per_icon("variation", VARIATION),
            "assurance": _one_per_icon("assurance", ASSURANCE),
            "markers": [(kind, symbol, words) for kind, (_, _, _, symbol, words) in MARKERS.items()],
            "differences": spc.DIFFERENCES_FROM_GUIDANCE,
            "min_points": spc.MIN_RELIABLE_POINTS,
        },
    )


def _one_per_icon(kind, table):
    """(Verdict, what it means) for each icon once (the 'none' icon stands for several reasons)."""
    verdicts = {}
    for key, (icon_name, label) in table.items():
        verdicts.setdefault(icon_name, (Verdict(kind, str(key), icon_name, label), MEANINGS[kind][icon_name]))
    return list(verdicts.values())
