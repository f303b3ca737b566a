"""The board pack's PDF renderer loads only the portal's own static files and data: URIs."""

import pytest

from governance.pdf import StaticOnlyURLFetcher


def test_a_static_file_is_served_from_the_source_folders():
    response = StaticOnlyURLFetcher().fetch("https://portal.example.org/static/css/portal.css")

    assert b".portal-" in response.read()
    assert response.headers.get_content_type() == "text/css"


def test_a_collected_file_with_a_hashed_name_is_served_in_production(settings, tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "board_pack.0123456789ab.css").write_bytes(b"@page { size: A4; }")
    settings.STATIC_ROOT = tmp_path

    response = StaticOnlyURLFetcher().fetch(
        "https://portal.example.org/static/css/board_pack.0123456789ab.css"
    )

    assert response.read() == b"@page { size: A4; }"


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://portal.example.org/meetings/1/pack/",
        "file:///etc/passwd",
        "https://portal.example.org/static/../../etc/passwd",
    ],
)
def test_anything_else_is_refused(url):
    with pytest.raises(Exception):  # noqa: B017 - WeasyPrint reports any exception as a missing resource
        StaticOnlyURLFetcher().fetch(url)
