"""Security headers on every page: CSP with a nonce, no framing, referrer policy, HSTS over https."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_whose_nonce_matches_the_one_inline_script(
    client, board_member
):
    client.force_login(board_member)

    response = client.get(reverse("dashboard"))

    policy = response["Content-Security-Policy"]
    assert (
        "default-src 'self'" in policy
        and "object-src 'none'" in policy
        and "frame-ancestors 'none'" in policy
    )
    assert "'unsafe-inline'" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    scripts = re.findall(rb"<script([^>]*)>", response.content)
    inline = [attrs for attrs in scripts if b"src=" not in attrs]
    assert inline and all(f'nonce="{nonce}"'.encode() in attrs for attrs in inline)


def test_pages_refuse_framing_and_sniffing_and_keep_referrers_on_site(client):
    response = client.get(reverse("login"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_an_inline_style_attribute_or_a_script_without_a_nonce():
    from pathlib import Path

    offenders = []
    for template in Path("templates").rglob("*.html"):
        text = template.read_text()
        if re.search(r"\sstyle=\"", text):
            offenders.append(f"{template}: style attribute")
        for attrs in re.findall(r"<script([^>]*)>", text):
            if "src=" not in attrs and "csp_nonce_attr" not in attrs:
                offenders.append(f"{template}: inline script without a nonce")
    assert offenders == []


def test_https_requests_get_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get(reverse("login"), secure=True)

    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_and_csrf_cookies_are_secure_and_http_only_in_production_settings():
    import os
    import subprocess
    import sys

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"}
    }
    code = "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env={**env, "DEBUG": "False"},
        capture_output=True,
        text=True,
    )
    assert result.stdout.split()[-3:] == ["True", "True", "True"], result.stderr
