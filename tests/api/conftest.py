"""What the API tests share: a token for a person, and a client that sends it."""

import pytest
from django.test import Client

from api.models import AccessToken


def make_token(user, name="Power BI refresh", days=30):
    """A new token for `user`: the text a program would send."""
    return AccessToken.issue(user=user, name=name, days=days)[1]


def token_client(user):
    """A test client that sends a new token of `user` with every request (and no session)."""
    return Client(headers={"Authorization": f"Token {make_token(user)}"})


@pytest.fixture
def keep_db_connection():
    """Let the real WSGI handler run inside the test's transaction: it closes old connections when a
    request starts and ends, which on PostgreSQL closes the test's own (django.test.Client disconnects
    the same two signals)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
