"""The portal's roles (Django groups) and the model permissions each one holds.

Object-level rules (a workstream lead may update only their own priorities' actions) live in each app's
rules.py; the groups here give the model-level permissions those rules start from.
"""

BOARD_MEMBER = "Board member"
WORKSTREAM_LEAD = "Workstream lead"
OPERATIONS_GROUP = "Operations Group"
ADMINISTRATOR = "Administrator"

# The plan file names roles by these keys.
ROLE_KEYS = {
    "board_member": BOARD_MEMBER,
    "workstream_lead": WORKSTREAM_LEAD,
    "operations_group": OPERATIONS_GROUP,
    "admin": ADMINISTRATOR,
}

PORTAL_MODELS = {
    "actions": ["plan", "priority", "action", "progressupdate"],
    "indicators": ["indicator", "measurement"],
    "governance": ["group", "meeting", "agendaitem", "decision", "meetingaction", "feedbackitem"],
}
GOVERNANCE_RECORDS = ["meeting", "agendaitem", "decision", "meetingaction", "feedbackitem"]


def _view_everything():
    return [f"{app}.view_{model}" for app, models in PORTAL_MODELS.items() for model in models]


ROLE_PERMISSIONS = {
    BOARD_MEMBER: _view_everything(),
    WORKSTREAM_LEAD: _view_everything()
    + ["actions.add_progressupdate", "indicators.add_measurement", "indicators.change_measurement"],
    OPERATIONS_GROUP: _view_everything()
    + ["actions.add_progressupdate", "actions.change_action"]
    + ["indicators.add_measurement", "indicators.change_measurement"]
    + [f"governance.{verb}_{model}" for model in GOVERNANCE_RECORDS for verb in ("add", "change", "delete")],
    ADMINISTRATOR: [
        f"{app}.{verb}_{model}"
        for app, models in {
            **PORTAL_MODELS,
            "send_portal": ["user", "organisation"],
            "auth": ["group"],
        }.items()
        for model in models
        for verb in ("view", "add", "change", "delete")
    ],
}


def ensure_roles(apps=None):
    """Create the role groups and give each its permissions. Idempotent; only ever adds.

    `apps` is the historical app registry when called from a migration. Permissions that do not
    exist yet (their model's migration has not run) are skipped and added by the next post_migrate.
    """
    if apps is None:
        from django.contrib.auth.models import Group, Permission
    else:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")

    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    by_name = {}
    for perm in Permission.objects.filter(content_type__app_label__in={p.split(".")[0] for p in wanted}):
        by_name[f"{perm.content_type.app_label}.{perm.codename}"] = perm

    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*[by_name[p] for p in perms if p in by_name])


def ensure_roles_after_migrate(sender, using=None, apps=None, **kwargs):
    """post_migrate receiver: runs once, after the last portal app has migrated."""
    if sender.name == "governance":
        ensure_roles()
