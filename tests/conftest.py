"""Shared fixtures: one user per role, built from the same ensure_roles() the migration uses."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.cache import cache

from send_portal.roles import ADMINISTRATOR, BOARD_MEMBER, OPERATIONS_GROUP, WORKSTREAM_LEAD, ensure_roles
from tests.factories import PriorityFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a database file (one per run, in pytest's temporary directory), as `make run`
    does, rather than in memory: threads in a test then each open their own connection and meet the
    same locking as several people at once (an in-memory database shares one cache and fails at once
    with "database table is locked"). PostgreSQL is left as it is."""
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    # Tasks run inside .enqueue() (after the transaction commits: enqueueing waits for on_commit).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # charts and indicator digests cached by one test are never read by another


@pytest.fixture
def without_sign_off(db):
    """The partnership has turned sign-off off: every submission is approved as it is made."""
    from send_portal.models import Partnership

    return Partnership.objects.create(name="Test SEND Partnership", updates_need_sign_off=False)


def _person(username, *roles, **fields):
    ensure_roles()
    user = UserFactory(username=username, **fields)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


@pytest.fixture
def priority(db):
    return PriorityFactory(number=1, short_title="EHC plans")


@pytest.fixture
def other_priority(db):
    return PriorityFactory(number=2, short_title="Neurodivergent pathway")


@pytest.fixture
def board_member(db):
    return _person("board", BOARD_MEMBER)


@pytest.fixture
def lead(db, priority):
    """The workstream lead of `priority`."""
    user = _person("lead", WORKSTREAM_LEAD)
    priority.lead = user
    priority.save()
    return user


@pytest.fixture
def other_lead(db, other_priority):
    """The workstream lead of `other_priority`, not of `priority`."""
    user = _person("otherlead", WORKSTREAM_LEAD)
    other_priority.lead = user
    other_priority.save()
    return user


@pytest.fixture
def operations(db):
    return _person("ops", OPERATIONS_GROUP)


@pytest.fixture
def admin_user(db):
    return _person("administrator", ADMINISTRATOR, is_staff=True, is_superuser=True)
