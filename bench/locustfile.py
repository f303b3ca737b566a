"""Load test: board members browse while workstream leads post progress updates (docs/reliability.md).

Run by bench/load_test.sh, which prepares the users file (LOAD_USERS) and the server. Each simulated
person signs in once (PBKDF2 costs about a second on two cores), then works until the run ends.
Every update a lead posts successfully is appended to LOAD_POSTED, so the script can check afterwards
that each one is in the database.
"""

import json
import os
import random
import re
import threading

from locust import HttpUser, between, events, task

USERS = json.load(open(os.environ.get("LOAD_USERS", "/tmp/load-users.json")))
POSTED = os.environ.get("LOAD_POSTED", "/tmp/load-posted.txt")
PASSWORD = USERS["password"]
_lock = threading.Lock()
_next = {"board": 0, "lead": 0}


def _take(kind):
    with _lock:
        people = USERS[kind]
        person = people[_next[kind] % len(people)]
        _next[kind] += 1
        return person


def _csrf(html):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


class SignedIn(HttpUser):
    abstract = True
    kind = ""

    def on_start(self):
        self.person = _take(self.kind)
        page = self.client.get("/accounts/login/", name="login form")
        self.client.post(
            "/accounts/login/",
            {
                "username": self.person["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": _csrf(page.text),
            },
            name="sign in",
        )


class BoardMember(SignedIn):
    kind = "board"
    weight = 3
    wait_time = between(1, 3)

    @task(4)
    def dashboard(self):
        self.client.get("/", name="dashboard")

    @task(3)
    def actions_list(self):
        self.client.get("/actions/", name="actions list")

    @task(2)
    def overdue(self):
        self.client.get("/actions/?overdue=on", name="actions list, overdue")

    @task(2)
    def priority(self):
        self.client.get(f"/priorities/{random.randint(1, 5)}/", name="priority page")

    @task(3)
    def action(self):
        self.client.get(f"/actions/{random.choice(USERS['refs'])}/", name="action page")

    @task(1)
    def indicators(self):
        self.client.get("/indicators/", name="indicators list")

    @task(1)
    def meetings(self):
        self.client.get("/meetings/", name="meetings list")


class WorkstreamLead(SignedIn):
    kind = "lead"
    weight = 1
    wait_time = between(2, 5)

    @task(1)
    def my_actions(self):
        self.client.get("/actions/mine/", name="my actions")

    @task(2)
    def post_update(self):
        ref = random.choice(self.person["refs"])
        form = self.client.get(f"/actions/{ref}/update/", name="update form")
        version = re.search(r'name="version" value="(\d+)"', form.text)
        if not version:
            return
        narrative = f"Load test update {random.getrandbits(48):x} on {ref}"
        with self.client.post(
            f"/actions/{ref}/update/",
            {
                "csrfmiddlewaretoken": _csrf(form.text),
                "version": version.group(1),
                "status": "on_track",
                "narrative": narrative,
                "next_steps": "Keep going.",
            },
            name="post update",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                with _lock, open(POSTED, "a") as posted:
                    posted.write(f"{ref}\t{narrative}\n")
                response.success()
            elif response.status_code == 200 and "Your changes have not been saved" in response.text:
                response.success()  # someone else updated it first: refused, as designed
            else:
                response.failure(f"status {response.status_code}")


@events.test_start.add_listener
def _reset_posted(environment, **kwargs):
    open(POSTED, "w").close()
