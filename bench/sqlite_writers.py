"""Several people posting progress updates at once, then a check that every update they were told was
saved is in the database (docs/reliability.md). Run by bench/sqlite_writers.sh, which prepares the server
and the people; it needs `requests` (in the bench extra).

    sqlite_writers.py drive --host http://127.0.0.1:8766 --people people.json --seconds 30 --out run.json
    sqlite_writers.py check run.json           # with the portal's settings: reads the database

Each person is a thread with their own session: it signs in once through the real form (again after a
failed attempt; PBKDF2 takes seconds when 8 sign in at once on 2 cores), and when everyone has signed in,
opens the update form of one of its own actions and posts an update, over and over for the given time. Writers post on different actions, so no update is refused as stale.
"""

import argparse
import json
import re
import threading
import time
from collections import Counter, defaultdict

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
STALE = "Your changes have not been saved"


def drive(host, people, seconds, sign_in_seconds=180):
    import requests

    sign_in_deadline = time.monotonic() + sign_in_seconds
    everyone_in = threading.Barrier(len(people["writers"]))
    deadline = None  # set when everyone has signed in: the writing lasts `seconds` from then
    lock = threading.Lock()
    latencies = defaultdict(list)  # request kind: [milliseconds]
    outcomes = Counter()  # (request kind, outcome)
    acknowledged = []  # (ref, narrative) of each update answered "saved"

    def timed(kind, call, *args, **kwargs):
        started = time.monotonic()
        try:
            response = call(*args, timeout=60, **kwargs)
        except requests.RequestException as error:
            outcome, response = f"no answer ({type(error).__name__})", None
        else:
            outcome = str(response.status_code)
        with lock:
            latencies[kind].append((time.monotonic() - started) * 1000)
            outcomes[kind, outcome] += 1
        return response

    def person(index, who):
        nonlocal deadline
        session = requests.Session()
        signed_in = False
        while not signed_in and time.monotonic() < sign_in_deadline:
            form = timed("login form", session.get, f"{host}/accounts/login/")
            token = CSRF.search(form.text).group(1) if form is not None and form.ok else ""
            fields = {
                "username": who["username"],
                "password": people["password"],
                "csrfmiddlewaretoken": token,
            }
            answer = timed("sign in", session.post, f"{host}/accounts/login/", fields, allow_redirects=False)
            signed_in = answer is not None and answer.status_code == 302
            if not signed_in:
                time.sleep(1)
        if everyone_in.wait() == 0:  # the last one in starts the clock for all
            deadline = time.monotonic() + seconds
        everyone_in.wait()
        n = 0
        while time.monotonic() < deadline:
            ref = who["refs"][n % len(who["refs"])]
            n += 1
            url = f"{host}/actions/{ref}/update/"
            form = timed("update form", session.get, url)
            if form is None or form.status_code != 200 or not VERSION.search(form.text):
                continue
            narrative = f"Writer {index} update {n} on {ref} at {time.time():.6f}"
            fields = {
                "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
                "version": VERSION.search(form.text).group(1),
                "status": "on_track",
                "narrative": narrative,
            }
            answer = timed("post update", session.post, url, fields, allow_redirects=False)
            if answer is not None and answer.status_code == 302:
                with lock:
                    acknowledged.append((ref, narrative))
            elif answer is not None and answer.status_code == 200:  # the form again: say why
                with lock:
                    outcomes["post update", "200"] -= 1
                    outcomes["post update", "refused as stale" if STALE in answer.text else "form error"] += 1

    threads = [threading.Thread(target=person, args=(i, who)) for i, who in enumerate(people["writers"], 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "latencies": latencies,
        "outcomes": [[kind, outcome, count] for (kind, outcome), count in sorted(outcomes.items())],
        "acknowledged": acknowledged,
    }


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0


def check(run):
    """Print the run's figures; every acknowledged update must be in the database exactly once."""
    import django

    django.setup()
    from actions.models import ProgressUpdate

    found = sum(
        ProgressUpdate.objects.filter(action__ref=ref, narrative=narrative).count() == 1
        for ref, narrative in run["acknowledged"]
    )
    requests_made = sum(count for _, _, count in run["outcomes"])
    errors = Counter()
    for kind, outcome, count in run["outcomes"]:
        if count and outcome not in ("200", "302", "refused as stale"):  # stale: refused by design
            errors[f"{kind}: {outcome}"] += count
    print(f"requests: {requests_made}; errors: {sum(errors.values())}")
    for kind, count in sorted(errors.items()):
        print(f"  {kind}: {count}")
    print(f"updates acknowledged: {len(run['acknowledged'])}; found in the database: {found}")
    print("| request | count | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for kind, values in run["latencies"].items():
        print(
            f"| {kind} | {len(values)} | {percentile(values, 0.5):.0f} | {percentile(values, 0.95):.0f} | "
            f"{max(values):.0f} |"
        )
    return not errors and found == len(run["acknowledged"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    driving = commands.add_parser("drive")
    driving.add_argument("--host", required=True)
    driving.add_argument("--people", required=True, help="JSON: password and writers [{username, refs}]")
    driving.add_argument("--seconds", type=float, default=30)
    driving.add_argument("--out", required=True)
    checking = commands.add_parser("check")
    checking.add_argument("run")
    args = parser.parse_args()
    if args.command == "drive":
        with open(args.people) as handle:
            people = json.load(handle)
        with open(args.out, "w") as handle:
            json.dump(drive(args.host, people, args.seconds), handle)
    else:
        with open(args.run) as handle:
            raise SystemExit(0 if check(json.load(handle)) else 1)


if __name__ == "__main__":
    main()
