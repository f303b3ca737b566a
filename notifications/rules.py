"""Who may do what with mail: everyone chooses their own mail; the Operations Group sees who was reminded."""

import rules

from actions.rules import runs_the_plan
from send_portal.rules import WHO_CAN, is_signed_in

rules.add_perm("notifications.change_preference", is_signed_in)  # one's own, always
rules.add_perm("notifications.view_compliance", runs_the_plan)
rules.add_perm("notifications.view_sentmessage", runs_the_plan)

WHO_CAN.update(
    {
        "notifications.view_compliance": "Only the Operations Group and administrators can see who has "
        "updated and who has been reminded.",
        "notifications.view_sentmessage": "Only the Operations Group and administrators can see the mail "
        "the portal has sent.",
    }
)
