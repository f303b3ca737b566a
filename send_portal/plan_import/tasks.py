"""The plan import as a background task, for a file large enough to take more than a few seconds: the same
PlanImport the pages run in the request, telling its PlanImportRun how far it has got."""

from django.tasks import task
from django.utils import timezone

from send_portal.models import ImportRunStatus, PlanImportRun


@task()
def run_plan_import(run_id):
    """Preview, or confirm, the import of a PlanImportRun. Safe to run twice: a finished run is left alone;
    the confirm writes in one transaction, so a run killed half-way wrote nothing."""
    from send_portal.plan_import.importer import ImportRefused, PlanImport
    from send_portal.plan_import.views import PayloadRefused, loads, mapping_from

    run = PlanImportRun.objects.select_related("requested_by").get(pk=run_id)
    if not run.is_under_way:
        return run.status
    run.report("Starting")
    try:
        sheets, filename, _ = loads(run.payload, run.requested_by)
        plan_import = PlanImport(
            sheets,
            mapping_from(sheets, run.form_data),
            filename=filename,
            replace=run.replace,
            progress=run.report,
        )
        if run.confirm:
            try:
                preview = plan_import.confirm(run.requested_by)
            except ImportRefused:
                preview = plan_import.result
        else:
            preview = plan_import.preview()
    except PayloadRefused as error:
        run.status, run.error = ImportRunStatus.FAILED, str(error)
    except Exception as error:  # the page says it failed and why; the worker logs the rest
        run.status, run.error = ImportRunStatus.FAILED, f"The import stopped: {error}"
        run.finished = timezone.now()
        run.save(update_fields=["status", "error", "finished"])
        raise
    else:
        run.status, run.result = ImportRunStatus.DONE, preview.as_data()
        run.progress = "Imported" if preview.written else "Checked: nothing written"
        if preview.written:
            run.payload = ""  # the rows are in the plan now; nothing of the file is kept
    run.finished = timezone.now()
    run.save(update_fields=["status", "result", "progress", "payload", "error", "finished"])
    return run.status
