"""Role predicates shared by every app's rules.py. A person's groups are fetched once per request."""

import rules

from send_portal.roles import ADMINISTRATOR, BOARD_MEMBER, OPERATIONS_GROUP, WORKSTREAM_LEAD


def role_names(user):
    """The names of the user's role groups, cached on the user object (one query per request)."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_role_names"):
        user._role_names = frozenset(user.groups.values_list("name", flat=True))
    return user._role_names


@rules.predicate
def is_board_member(user):
    return BOARD_MEMBER in role_names(user)


@rules.predicate
def is_workstream_lead(user):
    return WORKSTREAM_LEAD in role_names(user)


@rules.predicate
def is_operations(user):
    return OPERATIONS_GROUP in role_names(user)


@rules.predicate
def is_administrator(user):
    return user.is_superuser or ADMINISTRATOR in role_names(user)


is_signed_in = rules.is_authenticated


# The sentence a 403 page shows for each permission: who may do it. Each app's rules.py adds its own.
WHO_CAN = {}


def who_can(perm):
    """The sentence saying who may do `perm`."""
    return WHO_CAN.get(perm, "You do not have permission to do this. Ask an administrator if you need it.")


# Bringing a plan in from a spreadsheet changes the whole plan: the Operations Group and administrators.
rules.add_perm("send_portal.import_plan", is_operations | is_administrator)
WHO_CAN["send_portal.import_plan"] = "Only the Operations Group and administrators can import the plan."


# Sign-off: the Operations Group (and administrators) approve or return what leads submit, never their
# own submission (ReviewedModel.approve says so too, for a request that gets past the page).
@rules.predicate
def submitted_it(user, submission):
    """The user submitted this progress update, indicator value or highlight report."""
    return (
        submission is not None
        and submission.submitted_by_id is not None
        and submission.submitted_by_id == user.pk
    )


rules.add_perm("send_portal.view_sign_off", is_operations | is_administrator)
rules.add_perm("send_portal.sign_off", (is_operations | is_administrator) & ~submitted_it)
WHO_CAN["send_portal.view_sign_off"] = (
    "Only the Operations Group and administrators sign off updates, values and highlight reports."
)
WHO_CAN["send_portal.sign_off"] = (
    "Only the Operations Group and administrators sign off submissions, and never their own: another "
    "member must sign off what you submitted."
)
