"""Mixed read/write load through the load balancer, for bench/topology.sh (docs/reliability.md).

Each simulated person signs in once through the balancer, then, until the run ends, reads pages
(dashboard, actions list, an action) and posts progress updates with a unique narrative. It records
every answer by kind, the updates the portal acknowledged (302 to the action) and those left in doubt
(an error or a dropped connection), any request sent back to the sign-in page (a lost session), and the
longest time a person waited between two good answers. Standard library only, so CI needs no extra.

    python bench/topology_load.py URL USERS.json SECONDS OUT.json
"""

import collections
import json
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT = 30


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to read, not to follow


class Person:
    def __init__(self, base, username, password, refs, tally):
        self.base, self.username, self.password, self.refs, self.tally = base, username, password, refs, tally
        self.cookies = {}  # name: value, kept by hand (http.cookiejar is strict about hosts that are addresses)
        self.opener = urllib.request.build_opener(NoRedirect)
        self.last_good = None
        self.longest_gap = 0.0

    def request(self, path, data=None):
        """(status, body, location); status 0 for a dropped connection or timeout."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Referer": self.base + path}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        req = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(req, timeout=TIMEOUT) as response:
                self.keep_cookies(response.headers)
                return response.status, response.read().decode(), response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            self.keep_cookies(error.headers)
            return error.code, error.read().decode(errors="replace"), error.headers.get("Location", "")
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
            return 0, type(error).__name__, ""

    def keep_cookies(self, headers):
        for header in headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def record(self, kind, status, location=""):
        now = time.monotonic()
        if status and status < 500 and "/accounts/login/" not in location:
            if self.last_good is not None:
                self.longest_gap = max(self.longest_gap, now - self.last_good)
            self.last_good = now
        self.tally.count(kind, status, location)

    def sign_in(self):
        status, page, _ = self.request("/accounts/login/")
        token = csrf(page)
        status, _, location = self.request(
            "/accounts/login/",
            {"username": self.username, "password": self.password, "csrfmiddlewaretoken": token},
        )
        if status != 302 or "/accounts/login/" in location:
            raise RuntimeError(f"{self.username} could not sign in: {status}")
        self.last_good = time.monotonic()

    def read(self):
        path = random.choice(["/", "/actions/", f"/actions/{random.choice(self.refs)}/"])
        status, _, location = self.request(path)
        self.record("read", status, location)

    def write(self):
        ref = random.choice(self.refs)
        status, form, location = self.request(f"/actions/{ref}/update/")
        self.record("read", status, location)
        if status != 200:
            return
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
        selected = re.search(r'<option value="([a-z_]+)" selected>', form)
        narrative = f"topology {self.username} {random.getrandbits(64):016x}"
        fields.update(
            {
                "status": selected.group(1) if selected else "on_track",
                "narrative": narrative,
                "next_steps": "Keep going.",
                "overdue_reason": "Waiting for the partner's data.",
            }
        )
        status, body, location = self.request(f"/actions/{ref}/update/", fields)
        if status == 200 and "have not been saved" in body:
            kind = "write refused: someone else saved first,"
        elif status == 200:
            kind = "write refused by the form,"
        else:
            kind = "write"
        self.record(kind, status, location)  # one count an answer
        if status == 302 and f"/actions/{ref}/" in location:
            self.tally.acknowledged.append(narrative)
        elif status != 200:
            self.tally.in_doubt.append(narrative)


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.answers = collections.Counter()
        self.acknowledged, self.in_doubt = [], []
        self.lost_sessions = 0

    def count(self, kind, status, location=""):
        with self.lock:
            if "/accounts/login/" in location:
                self.lost_sessions += 1
            self.answers[f"{kind} {status or 'no answer'}"] += 1


def csrf(html):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


def main(base, users_file, seconds, out):
    users = json.load(open(users_file))
    tally = Tally()
    people = [Person(base, u["username"], users["password"], u["refs"], tally) for u in users["writers"]]
    for person in people:
        person.sign_in()
    started = time.monotonic()
    stop_at = started + seconds

    def work(person):
        while time.monotonic() < stop_at:
            person.write() if random.random() < 0.3 else person.read()
            time.sleep(random.uniform(0.05, 0.3))

    threads = [threading.Thread(target=work, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = {
        "seconds": round(time.monotonic() - started, 1),
        "people": len(people),
        "answers": dict(sorted(tally.answers.items())),
        "requests": sum(tally.answers.values()),
        "acknowledged": tally.acknowledged,
        "in_doubt": tally.in_doubt,
        "lost_sessions": tally.lost_sessions,
        "longest_gap_s": round(max(p.longest_gap for p in people), 2),
    }
    json.dump(result, open(out, "w"), indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4])
