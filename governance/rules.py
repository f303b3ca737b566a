"""Who may do what in governance. Every signed-in role reads meetings, the action log and board packs;
the Operations Group and administrators run the meetings, escalate to the Board and generate packs."""

import rules

from actions.rules import runs_the_plan
from send_portal.rules import WHO_CAN, is_signed_in

READ = ["group", "meeting", "attendance", "agendaitem", "decision", "meetingaction", "feedbackitem"]
READ += ["escalation", "boardpack", "calendarfeed"]
for model in READ:
    rules.add_perm(f"governance.view_{model}", is_signed_in)

# Running meetings: the meeting itself and everything recorded at it.
RUN = ["meeting", "attendance", "agendaitem", "decision", "meetingaction", "feedbackitem"]
for model in RUN:
    for verb in ("add", "change", "delete"):
        rules.add_perm(f"governance.{verb}_{model}", runs_the_plan)

rules.add_perm("governance.add_escalation", runs_the_plan)
rules.add_perm("governance.change_escalation", runs_the_plan)  # record the Board's decision on it
rules.add_perm("governance.add_boardpack", runs_the_plan)

RUN_MEETINGS = "Only the Operations Group and administrators can create and edit meetings, their agenda, "
WHO_CAN.update(
    {
        "governance.add_meeting": RUN_MEETINGS + "minutes, decisions and action log.",
        "governance.change_meeting": RUN_MEETINGS + "minutes, decisions and action log.",
        "governance.add_agendaitem": RUN_MEETINGS + "minutes, decisions and action log.",
        "governance.change_agendaitem": RUN_MEETINGS + "minutes, decisions and action log.",
        "governance.delete_agendaitem": RUN_MEETINGS + "minutes, decisions and action log.",
        "governance.add_decision": RUN_MEETINGS + "minutes, decisions and action log.",
        "governance.change_decision": RUN_MEETINGS + "minutes, decisions and action log.",
        "governance.add_meetingaction": RUN_MEETINGS + "minutes, decisions and action log.",
        "governance.change_meetingaction": "Only the Operations Group and administrators can edit and close "
        "items on the action log.",
        "governance.change_attendance": "Only the Operations Group and administrators can record attendance.",
        "governance.add_feedbackitem": "Only the Operations Group and administrators can add "
        "'you said, we did' items.",
        "governance.change_feedbackitem": "Only the Operations Group and administrators can edit "
        "'you said, we did' items.",
        "governance.add_escalation": "Only the Operations Group and administrators can escalate to the "
        "Improvement Board.",
        "governance.change_escalation": "Only the Operations Group and administrators can record the "
        "Board's decision on an escalation.",
        "governance.add_boardpack": "Only the Operations Group and administrators can generate a board pack.",
    }
)
