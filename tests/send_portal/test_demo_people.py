"""The demo's people: the README's demo-login table names each one with every role, and one person is only
a workstream lead, so the demo shows what a lead really sees."""

import re
from pathlib import Path

import yaml

from send_portal.plan_loader import DEFAULT_PLAN_FILE
from send_portal.roles import ROLE_KEYS

README = Path(__file__).resolve().parents[2] / "README.md"


def demo_people():
    return yaml.safe_load(DEFAULT_PLAN_FILE.read_text(encoding="utf-8"))["people"]


def readme_demo_logins():
    """{username: (who, roles cell)} from the README's 'Demo logins' table."""
    section = README.read_text(encoding="utf-8").split("## Demo logins", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"`[^`]+`", cells[0]):
            rows[cells[0].strip("`")] = (cells[1], cells[2])
    return rows


def test_the_readme_lists_every_demo_person_with_every_role():
    rows = readme_demo_logins()

    assert set(rows) == {person["username"] for person in demo_people()}
    for person in demo_people():
        who, roles_cell = rows[person["username"]]
        named = {role for role in ROLE_KEYS.values() if role.lower() in roles_cell.lower()}
        assert who == person["display_name"]
        assert named == {ROLE_KEYS[key] for key in person["roles"]}, person["username"]


def test_the_demo_has_a_person_who_is_only_a_workstream_lead_and_leads_actions():
    plan = yaml.safe_load(DEFAULT_PLAN_FILE.read_text(encoding="utf-8"))
    leads_only = [person for person in plan["people"] if person["roles"] == ["workstream_lead"]]
    action_leads = {action.get("lead_role") for action in plan["actions"]}

    assert [person["display_name"] in action_leads for person in leads_only] == [True]
