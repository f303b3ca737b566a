"""A real SMTP server (aiosmtpd) on a free local port, and the portal's mailer pointed at it."""

import asyncio
import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """Keeps every message the server accepted, parsed. `delay` seconds pass before the server answers
    "250 OK" to a message: a client that disconnects meanwhile (a killed worker) has sent nothing."""

    def __init__(self, delay=0.0):
        self.delay = delay
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)  # cancelled by aiosmtpd if the connection is lost meanwhile
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def to(self, address):
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def text(message):
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message):
        return message.get_body(preferencelist=("html",)).get_content()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """(Inbox, port) of a running SMTP server; stopped after the test."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def smtp(smtp_server, settings):
    """The Inbox of a real SMTP server that the portal's default mailer sends to."""
    inbox, port = smtp_server
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False},
        }
    }
    return inbox
