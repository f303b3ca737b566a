"""Who may write a priority's highlight report: its workstream lead, the Operations Group and
administrators. Everyone signed in reads them."""

import rules

from actions.rules import runs_the_plan
from send_portal.rules import WHO_CAN, is_board_member, is_signed_in


@rules.predicate
def leads_reported_priority(user, obj):
    """The user leads the priority: `obj` is the Priority (writing a new report) or a HighlightReport."""
    if obj is None:
        return False
    priority = getattr(obj, "priority", obj)
    return priority.lead_id == user.pk


rules.add_perm("reporting.view_highlightreport", is_signed_in)
rules.add_perm("reporting.add_highlightreport", runs_the_plan | leads_reported_priority)
rules.add_perm("reporting.change_highlightreport", runs_the_plan | leads_reported_priority)

WRITERS = "Only the workstream lead of the priority, the Operations Group and administrators can "
WHO_CAN.update(
    {
        "reporting.add_highlightreport": WRITERS + "write its highlight report.",
        "reporting.change_highlightreport": WRITERS + "edit its highlight report.",
    }
)

# Reporting periods: everyone signed in reads them and the plan as reported on each; the Operations Group
# and administrators create and close them.
rules.add_perm("reporting.view_period", is_signed_in)
rules.add_perm("reporting.add_period", runs_the_plan)
rules.add_perm("reporting.close_period", runs_the_plan)
# Evidence packs for inspectors: the Operations Group and administrators ask for one (it gathers every
# evidence file of a priority); Board members, the Operations Group and administrators download them.
rules.add_perm("reporting.add_evidencepack", runs_the_plan)
rules.add_perm("reporting.view_evidencepack", runs_the_plan | is_board_member)

WHO_CAN.update(
    {
        "reporting.add_period": "Only the Operations Group and administrators can create reporting periods.",
        "reporting.close_period": "Only the Operations Group and administrators can close a reporting period.",
        "reporting.add_evidencepack": "Only the Operations Group and administrators can ask for an evidence pack.",
        "reporting.view_evidencepack": "Only Board members, the Operations Group and administrators can "
        "download evidence packs.",
    }
)
