"""Who may write and publish the public site: the Operations Group and administrators."""

import rules

from actions.rules import runs_the_plan
from send_portal.rules import WHO_CAN

rules.add_perm("public.publish", runs_the_plan)

WHO_CAN.update(
    {
        "public.publish": "Only the Operations Group and administrators can write and publish the public "
        "site for families.",
    }
)
