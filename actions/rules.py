"""Who may change what in the plan. Reading is open to every signed-in person (see visible_to)."""

import rules

from send_portal.rules import WHO_CAN, is_administrator, is_operations, is_signed_in


@rules.predicate
def leads_priority_of(user, action):
    """The user is the workstream lead of the action's priority."""
    return action is not None and action.priority.lead_id == user.pk


@rules.predicate
def leads_action(user, action):
    """The user is the named lead of the action itself."""
    return action is not None and action.lead_id == user.pk


runs_the_plan = is_operations | is_administrator

rules.add_perm("actions.view_plan", is_signed_in)
rules.add_perm("actions.view_priority", is_signed_in)
rules.add_perm("actions.view_action", is_signed_in)
rules.add_perm("actions.view_progressupdate", is_signed_in)
rules.add_perm("actions.add_progressupdate", runs_the_plan | leads_priority_of | leads_action)
rules.add_perm("actions.change_action", runs_the_plan)

WHO_CAN.update(
    {
        "actions.add_progressupdate": "Only the action's lead, the workstream lead of its priority, the "
        "Operations Group and administrators can post progress updates on this action.",
        "actions.change_action": "Only the Operations Group and administrators can edit an action's details "
        "or revise its due date.",
    }
)
