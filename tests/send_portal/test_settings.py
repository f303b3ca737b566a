import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    settings_vars = {
        "SECRET_KEY",
        "DEBUG",
        "DATABASE_URL",
        "SECURE_SSL_REDIRECT",
        "ALLOWED_HOSTS",
        "STATICFILES_BACKEND",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    clean = {k: v for k, v in os.environ.items() if k not in settings_vars}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_start_up_refuses_production_settings_without_a_secret_key():
    result = _manage("check", DEBUG="False", SECRET_KEY="")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_local_development_runs_without_a_secret_key():
    result = _manage("check", DEBUG="True", SECRET_KEY="")

    assert result.returncode == 0, result.stderr


def test_the_deploy_check_reports_nothing_but_hsts_preload():
    result = _manage(
        "check",
        "--deploy",
        DEBUG="False",
        SECRET_KEY="k" + "0123456789abcdefghij" * 3,
        ALLOWED_HOSTS="portal.example.org",
        SMTP_HOST="smtp.example.org",
    )

    assert result.returncode == 0, result.stderr
    reported = [line for line in result.stderr.splitlines() if line.startswith("?: (")]
    assert [line.split(")")[0] for line in reported] == ["?: (security.W021"], result.stderr
