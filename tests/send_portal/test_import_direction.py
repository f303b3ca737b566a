"""Imports run one way: the shared helpers know no app, and an app's models do not import what builds on them."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("actions", "indicators", "governance", "notifications")
SHARED_HELPERS = [
    "send_portal/base_views.py",
    "send_portal/models.py",
    "send_portal/rules.py",
    "send_portal/exports.py",
    "send_portal/filters.py",
    "send_portal/history.py",
    "send_portal/forms.py",
    "send_portal/templatetags/portal.py",
]


def imported_modules(path):
    """Every module a file imports, at the top or inside a function."""
    tree = ast.parse((ROOT / path).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("path", SHARED_HELPERS)
def test_shared_helpers_import_no_app(path):
    apps = [name for name in imported_modules(path) if name.split(".")[0] in APPS]
    assert apps == [], f"{path} imports {apps}"


def test_indicator_models_do_not_import_the_digests_built_on_them():
    assert "indicators.digests" not in set(imported_modules("indicators/models.py"))


def test_actions_import_nothing_from_the_apps_built_on_them():
    for path in sorted((ROOT / "actions").glob("**/*.py")):
        if "migrations" in path.parts:
            continue
        later = [
            m
            for m in imported_modules(path.relative_to(ROOT))
            if m.split(".")[0] in ("indicators", "governance", "notifications")
        ]
        assert later == [], f"{path.relative_to(ROOT)} imports {later}"


@pytest.mark.parametrize("app", ["indicators", "governance"])
def test_apps_below_notifications_do_not_import_it(app):
    for path in sorted((ROOT / app).glob("**/*.py")):
        if "migrations" in path.parts:
            continue
        later = [m for m in imported_modules(path.relative_to(ROOT)) if m.split(".")[0] == "notifications"]
        assert later == [], f"{path.relative_to(ROOT)} imports {later}"


@pytest.mark.parametrize(
    "path",
    [
        "reporting/models.py",
        "reporting/summary.py",
        "reporting/rules.py",
        "reporting/snapshots.py",
        "reporting/as_reported.py",
    ],
)
def test_what_the_board_pack_reads_of_reporting_imports_no_governance_module(path):
    """governance/services.py (the board pack) reads highlight reports: reporting's models and summary must
    not import governance back (a meeting is named by string)."""
    governance = [m for m in imported_modules(path) if m.split(".")[0] == "governance"]
    assert governance == [], f"{path} imports {governance}"


# The families' site reads the apps below it; only the project's URLs, settings and the demo loader command
# (which loads its demo content, as it does reporting's) name it.
MAY_IMPORT_PUBLIC_SITE = {"send_portal/urls.py", "send_portal/management/commands/load_plan.py"}


@pytest.mark.parametrize(
    "app", ["send_portal", "actions", "indicators", "governance", "reporting", "notifications", "api"]
)
def test_nothing_below_the_public_site_imports_it(app):
    for path in sorted((ROOT / app).glob("**/*.py")):
        relative = str(path.relative_to(ROOT))
        if "migrations" in path.parts or relative in MAY_IMPORT_PUBLIC_SITE:
            continue
        public = [m for m in imported_modules(relative) if m.split(".")[0] == "public_site"]
        assert public == [], f"{relative} imports {public}"
