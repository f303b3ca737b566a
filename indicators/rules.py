"""Who may record indicator values and rebase their charts. Reading is open to every signed-in person
(see visible_to).

`Indicator.objects.recordable_by(user)` is the QuerySet twin of `indicators.add_measurement`: uploads use
it to decide which rows a person may write, and a test checks that the two agree.
"""

import rules

from send_portal.rules import WHO_CAN, is_administrator, is_operations, is_signed_in, is_workstream_lead


@rules.predicate
def leads_priority_of(user, indicator):
    """The user is the workstream lead of the indicator's priority."""
    return (
        indicator is not None and indicator.priority_id is not None and indicator.priority.lead_id == user.pk
    )


runs_the_plan = is_operations | is_administrator

rules.add_perm("indicators.view_indicator", is_signed_in)
rules.add_perm("indicators.view_measurement", is_signed_in)
rules.add_perm("indicators.add_measurement", runs_the_plan | leads_priority_of)
rules.add_perm("indicators.change_measurement", runs_the_plan | leads_priority_of)
# The upload page itself: anyone who may record some indicator's values. Each row is then checked
# against add_measurement for its own indicator.
rules.add_perm("indicators.upload_measurements", runs_the_plan | is_workstream_lead)
# Rebasing an SPC chart changes how the Board reads an indicator, so it is the Operations Group's call,
# not a single workstream's. The rule does not depend on the indicator, so no list needs a QuerySet twin.
rules.add_perm("indicators.add_rebase", runs_the_plan)
rules.add_perm("indicators.delete_rebase", runs_the_plan)

WHO_CAN.update(
    {
        "indicators.add_measurement": "Only the workstream lead of the indicator's priority, the Operations "
        "Group and administrators can record or correct this indicator's values.",
        "indicators.change_measurement": "Only the workstream lead of the indicator's priority, the "
        "Operations Group and administrators can record or correct this indicator's values.",
        "indicators.upload_measurements": "Only workstream leads, the Operations Group and administrators "
        "can upload indicator values.",
        "indicators.add_rebase": "Only the Operations Group and administrators can rebase an indicator's "
        "chart.",
        "indicators.delete_rebase": "Only the Operations Group and administrators can remove a rebase.",
    }
)
