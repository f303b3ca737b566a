import pytest
from django.contrib.auth.models import Group

from actions.models import Action
from send_portal.roles import (
    ADMINISTRATOR,
    BOARD_MEMBER,
    OPERATIONS_GROUP,
    ROLE_PERMISSIONS,
    WORKSTREAM_LEAD,
    ensure_roles,
)

pytestmark = pytest.mark.django_db


def test_the_migration_creates_the_four_roles_with_every_listed_permission():
    for role, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert set(perms) <= held, f"{role} lacks {set(perms) - held}"


def test_ensure_roles_is_idempotent():
    before = {g.name: g.permissions.count() for g in Group.objects.all()}
    ensure_roles()
    ensure_roles()
    assert {g.name: g.permissions.count() for g in Group.objects.all()} == before


def test_a_board_member_can_read_everything_and_change_nothing(board_member):
    assert board_member.has_perm("actions.view_action")
    assert board_member.has_perm("governance.view_meeting")
    assert not board_member.has_perm("actions.add_progressupdate")
    assert not board_member.has_perm("actions.change_action")
    assert not board_member.has_perm("indicators.add_measurement")


def test_a_workstream_lead_may_post_updates_and_record_values_but_not_edit_actions(lead):
    assert lead.has_perm("actions.add_progressupdate")
    assert lead.has_perm("indicators.add_measurement")
    assert not lead.has_perm("actions.change_action")
    assert not lead.has_perm("governance.add_meeting")


def test_the_operations_group_edits_actions_and_runs_meetings(operations):
    assert operations.has_perm("actions.change_action")
    assert operations.has_perm("governance.add_meeting")
    assert operations.has_perm("governance.change_meetingaction")
    assert not operations.has_perm("send_portal.change_user")


def test_an_administrator_group_member_manages_people_and_reference_data(db):
    from tests.factories import UserFactory

    user = UserFactory()
    user.groups.add(Group.objects.get(name=ADMINISTRATOR))
    assert user.has_perm("send_portal.change_user")
    assert user.has_perm("actions.delete_priority")


def test_roles_are_named_as_the_design_names_them():
    assert {BOARD_MEMBER, WORKSTREAM_LEAD, OPERATIONS_GROUP, ADMINISTRATOR} == set(ROLE_PERMISSIONS)
    assert Action._meta.app_label == "actions"
