"""N concurrent users against a running server (started like `make run`, demo data loaded).

    PORT=5055 ./scripts/run.sh &                                     # SQLite (the default)
    .venv/bin/python bench/concurrency.py --base-url http://127.0.0.1:5055 [--clients 8] [--seconds 30]

Each client loops for the given time (default 8 clients, 30 s) over a mix in which at least 30 %
are writes: register an insured person (API), file an application for a person it registered
(the intake form, as the insurer), decide a review step (API: the agency, the insurer and the
MIA decide what waits for them; the MIA returns, so cases keep circulating); the reads include
person detail views (audited), the roster, the pending reviews and the application list. Then
it checks that every acknowledged write committed (each registered person and filed
application can be read back, each decided case is at least at the version acknowledged) and
prints requests/s, p50/p95 latency, the count per status and the count of 5xx. It only talks to
a server on this machine (loopback) and stops by itself.
"""
import argparse
import http.cookiejar
import ipaddress
import json
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from stdnum.cn import ric

PASSWORD = os.environ.get("LTC_DEMO_PASSWORD", "Demo-ltc-2026")  # the demo loader's default
DECIDERS = ("agency", "insurer", "mia")  # demo users holding the reviewer role of their organisation
ANSWERS = {"feeding": "dependent", "bowel_bladder": "dependent", "bathing": "dependent", "dressing": "independent",
           "toileting": "partly", "transfer": "independent"}
#: weights; a filing also GETs its form, a decision the pending list and the case: about 1 request in 3 writes
OPS = (("create_person", 20), ("file_application", 15), ("decide", 15),
       ("person_detail", 20), ("person_list", 10), ("pending_reviews", 10), ("application_list", 10))
WRITES = ("create_person", "file_application", "decide")


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    per_op: Counter = field(default_factory=Counter)
    persons: list = field(default_factory=list)         # (id, id_number, name) acknowledged with 201
    applications: list = field(default_factory=list)    # ids acknowledged with a redirect to the page
    decisions: list = field(default_factory=list)       # (case id, acknowledged version)
    errors: list = field(default_factory=list)
    refusals: Counter = field(default_factory=Counter)  # 4xx by operation and message

    def note(self, op: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] += 1
            self.per_op[op] += 1


class Http:
    """One user's HTTP client: a bearer token for the API, a cookie session for the pages."""

    def __init__(self, base: str, tally: Tally):
        self.base, self.tally, self.token = base, tally, None
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirect())

    def call(self, op: str, method: str, path: str, body=None, form=None) -> tuple[int, bytes, dict]:
        headers, data = {}, None
        if body is not None:
            headers["Content-Type"], data = "application/json", json.dumps(body).encode()
        if form is not None:
            headers["Content-Type"], data = "application/x-www-form-urlencoded", urllib.parse.urlencode(form).encode()
        if self.token and path.startswith("/api/"):
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, content, head = response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as exc:
            status, content, head = exc.code, exc.read(), dict(exc.headers)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            status, content, head = 599, str(exc).encode(), {}
        if op:
            self.tally.note(op, status, time.perf_counter() - started)
        if status >= 500:
            with self.tally.lock:
                self.tally.errors.append(f"{method} {path} → {status}: {content[:200]!r}")
        elif status >= 400 and op:
            with self.tally.lock:
                self.tally.refusals[f"{op} {status} {refusal(content)}"] += 1
        return status, content, head

    def api_login(self, username: str) -> None:
        status, content, _ = self.call("", "POST", "/api/v1/auth/token",
                                       body={"username": username, "password": PASSWORD})
        if status != 201:
            sys.exit(f"cannot get a token for {username}: {status} {content[:200]!r}")
        self.token = json.loads(content)["token"]

    def page_login(self, username: str) -> None:
        token = csrf_token(self.call("", "GET", "/login")[1])
        status, _, _ = self.call("", "POST", "/login", form={"username": username, "password": PASSWORD,
                                                             "csrf_token": token})
        if status != 302:
            sys.exit(f"cannot log in as {username}: {status}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer (the page a write redirects to names what it created)


def refusal(content: bytes) -> str:
    try:
        return re.sub(r"\d+", "…", json.loads(content)["error"])[:60]
    except (ValueError, KeyError, TypeError):
        return "(page)"


def csrf_token(page: bytes) -> str:
    match = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
    return match.group(1).decode() if match else ""


def new_id_number(rng: random.Random, district_code: str) -> str:
    birth = date(1930, 1, 1) + timedelta(days=rng.randrange(30 * 365))
    body = f"{district_code}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")


class User:
    """One simulated user: the MIA (registers persons), the insurer (files applications) and a
    reviewer (decides) share one client's loop, each with its own HTTP session."""

    def __init__(self, base: str, tally: Tally, n: int):
        self.tally, self.rng = tally, random.Random(f"{n}-{time.time_ns()}")  # new ID numbers each run
        self.mia, self.insurer, self.reviewer = Http(base, tally), Http(base, tally), Http(base, tally)
        self.mia.api_login("mia")
        self.insurer.api_login("insurer")
        self.insurer.page_login("insurer")
        self.reviewer.api_login(DECIDERS[n % len(DECIDERS)])
        self.mine: list[tuple[int, str, str]] = []  # persons registered by this user, not yet filed for

    def create_person(self) -> None:
        name = "压测" + "".join(self.rng.choice("甲乙丙丁戊己庚辛") for _ in range(2))
        id_number = new_id_number(self.rng, "330102")
        status, content, _ = self.mia.call("create_person", "POST", "/api/v1/persons", body={
            "id_number": id_number, "name": name, "district": "东城区"})
        if status == 201:
            row = (json.loads(content)["id"], id_number, name)
            self.mine.append(row)
            with self.tally.lock:
                self.tally.persons.append(row)

    def file_application(self) -> None:
        if not self.mine:
            return self.create_person()
        person_id, id_number, name = self.mine.pop()
        token = csrf_token(self.insurer.call("application_form", "GET", "/assessment/new")[1])
        form = {"csrf_token": token, "kind": "initial", "id_number": id_number, "person_name": name,
                "applicant_name": "李小光", "applicant_relation": "child", "applicant_phone": "13900001111",
                "declared_disability_6m": "y", "care_type": "home", "provider_id": "",
                **{f"sa_{item}": answer for item, answer in ANSWERS.items()}}
        status, _, head = self.insurer.call("file_application", "POST", "/assessment/new", form=form)
        match = re.search(r"/assessment/(\d+)$", head.get("Location", ""))
        if status == 302 and match:
            with self.tally.lock:
                self.tally.applications.append(int(match.group(1)))

    def decide(self) -> None:
        status, content, _ = self.reviewer.call("pending_reviews", "GET", "/api/v1/reviews/pending?per_page=20")
        items = json.loads(content)["items"] if status == 200 else []
        if not items:
            return
        case = self.rng.choice(items)
        status, content, _ = self.reviewer.call("review_detail", "GET", f"/api/v1/reviews/{case['id']}")
        if status != 200 or not json.loads(content)["can_decide"]:
            return
        body = decision_for(json.loads(content))
        status, content, _ = self.reviewer.call("decide", "POST", f"/api/v1/reviews/{case['id']}/decision", body=body)
        if status == 200:
            with self.tally.lock:
                self.tally.decisions.append((case["id"], json.loads(content)["version"]))

    def person_detail(self) -> None:
        with self.tally.lock:
            known = [p[0] for p in self.tally.persons[-50:]] or [1]
        self.mia.call("person_detail", "GET", f"/api/v1/persons/{self.rng.choice(known)}")

    def person_list(self) -> None:
        self.insurer.call("person_list", "GET", f"/api/v1/persons?page={self.rng.randint(1, 5)}")

    def pending_reviews(self) -> None:
        self.reviewer.call("pending_reviews", "GET", "/api/v1/reviews/pending")

    def application_list(self) -> None:
        self.insurer.call("application_list", "GET", "/api/v1/applications")


def decision_for(case: dict) -> dict:
    """Approve, except that the MIA returns (so that cases keep circulating) when it may."""
    step = case["current_step"]
    body = {"decision": "approve", "version": case["version"]}
    if step["owner"] and "return" in step["decisions"] and step["code"] == case["steps"][-1]["code"]:
        codes = [r["code"] for r in case["reasons"] if "return" in r["decisions"] and r["code"] != "OTHER"
                 and (not r["steps"] or step["code"] in r["steps"])]
        if codes:
            body |= {"decision": "return", "reason_code": codes[0], "reason_text": "压测退回"}
    return body


def client_loop(user: User, until: float) -> None:
    names, weights = [op for op, _ in OPS], [w for _, w in OPS]
    while time.monotonic() < until:
        getattr(user, user.rng.choices(names, weights)[0])()


def check_acknowledged(base: str, tally: Tally) -> list[str]:
    """Every acknowledged write, read back: what is missing."""
    checker = Http(base, Tally())
    checker.api_login("mia")
    missing = [f"person {pid}" for pid, _, _ in tally.persons
               if checker.call("", "GET", f"/api/v1/persons/{pid}")[0] != 200]
    checker.api_login("insurer")
    missing += [f"application {aid}" for aid in tally.applications
                if checker.call("", "GET", f"/api/v1/applications/{aid}")[0] != 200]
    latest: dict[int, int] = {}
    for case_id, version in tally.decisions:
        latest[case_id] = max(version, latest.get(case_id, 0))
    checker.api_login("mia")
    for case_id, version in latest.items():
        status, content, _ = checker.call("", "GET", f"/api/v1/reviews/{case_id}")
        if status != 200 or json.loads(content)["version"] < version:
            missing.append(f"decision on case {case_id} (version {version})")
    return missing


def report(tally: Tally, seconds: float, clients: int, missing: list[str]) -> None:
    total = sum(tally.statuses.values())
    latencies = sorted(tally.latencies)
    writes = sum(tally.per_op[op] for op in WRITES)
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0
    print(f"clients {clients}, {seconds:.0f} s: {total} requests, {total / seconds:.1f} requests/s, "
          f"writes {100 * writes / max(total, 1):.0f} %")
    print(f"latency p50 {1000 * statistics.median(latencies or [0]):.0f} ms, p95 {1000 * p95:.0f} ms")
    print("per operation: " + ", ".join(f"{op} {n}" for op, n in sorted(tally.per_op.items())))
    print("statuses: " + ", ".join(f"{s} × {n}" for s, n in sorted(tally.statuses.items())))
    print(f"acknowledged writes: {len(tally.persons)} persons, {len(tally.applications)} applications, "
          f"{len(tally.decisions)} decisions; not found afterwards: {len(missing)}")
    print("4xx: " + ("; ".join(f"{what} × {n}" for what, n in tally.refusals.most_common(5)) or "none"))
    print(f"5xx: {sum(n for s, n in tally.statuses.items() if s >= 500)}")
    for line in tally.errors[:5] + missing[:5]:
        print("  " + line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:5000")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    host = urllib.parse.urlsplit(args.base_url).hostname or ""
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        sys.exit("refusing a server that is not on this machine (loopback only)")
    tally = Tally()
    users = [User(args.base_url, tally, n) for n in range(args.clients)]
    started = time.monotonic()
    threads = [threading.Thread(target=client_loop, args=(u, started + args.seconds)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    missing = check_acknowledged(args.base_url, tally)
    report(tally, elapsed, args.clients, missing)
    return 1 if missing or any(s >= 500 for s in tally.statuses) else 0


if __name__ == "__main__":
    sys.exit(main())
