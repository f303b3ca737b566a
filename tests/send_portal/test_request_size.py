"""A request body larger than the page accepts is refused by its declared length, before it is read."""

import pytest
from django.test import Client
from django.urls import reverse

from indicators import uploads


class Body:
    """A request body that notes whether anything tried to read it (and has nothing to give)."""

    was_read = False

    def read(self, *args):
        self.was_read = True
        raise OSError("this body must not be read")

    readline = read


def post_declaring(client, url, length):
    body = Body()
    response = client.generic(
        "POST",
        url,
        CONTENT_TYPE="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": body},
    )
    assert not body.was_read
    return response


@pytest.fixture
def csrf_client():
    """The CSRF check reads the form (for its token) unless told not to, as the plain test client tells it."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    return client


def test_an_over_size_csv_upload_is_refused_413_without_reading_it(csrf_client, lead, settings):
    csrf_client.force_login(lead)
    too_long = uploads.MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1

    response = post_declaring(csrf_client, reverse("indicators:measurement_upload"), too_long)

    assert response.status_code == 413
    page = response.content.decode()
    assert (
        "The file is too large" in page
        and "a file of up to 1.0\xa0MB" in page
        and "nothing was saved" in page
    )


def test_an_over_size_evidence_upload_is_refused_413_without_reading_it(
    csrf_client, lead, priority, settings
):
    from tests.factories import ActionFactory

    action = ActionFactory(ref="P1.1", priority=priority)
    csrf_client.force_login(lead)
    too_long = settings.EVIDENCE_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1

    response = post_declaring(csrf_client, reverse("actions:progressupdate_add", args=[action.ref]), too_long)

    assert response.status_code == 413
    assert "a file of up to 10.0\xa0MB" in response.content.decode()


def test_a_body_within_the_limit_reaches_the_page(lead, settings):
    client = Client()
    client.force_login(lead)

    response = client.post(reverse("indicators:measurement_upload"), {})  # no file: the form says so

    assert response.status_code == 200
    assert "Select a CSV file to upload" in response.content.decode()
