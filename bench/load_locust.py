"""The simulated users of ``bench/load.py`` (locust, run headless through its library API): each logs
in as its own login from the plan (``LTC_LOAD_PLAN``, a JSON list of logins with their probed pages),
then, waiting 1–3 s between pages, cycles through its pages; every request is named by its page group.
A page that does not answer 200 (redirects not followed) counts as a failure. Every response time is
kept exactly (locust's own percentiles are bucketed) and written with the failures as JSON:

    LTC_LOAD_PLAN=plan.json .venv/bin/python bench/load_locust.py HOST USERS SECONDS OUT.json
"""
import itertools
import json
import os
import re
import sys
import threading

import gevent
from locust import HttpUser, between, events, task
from locust.env import Environment

with open(os.environ["LTC_LOAD_PLAN"], encoding="utf-8") as _fh:
    PLAN = json.load(_fh)
_NEXT, _LOCK = itertools.count(), threading.Lock()
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Staff(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        with _LOCK:
            n = next(_NEXT)
        self.account = PLAN[n % len(PLAN)]
        page = self.client.get("/login", name="login").text
        token = TOKEN.search(page)
        with self.client.post("/login", name="login", allow_redirects=False, catch_response=True,
                              data={"username": self.account["username"], "password": self.account["password"],
                                    "csrf_token": token.group(1) if token else ""}) as answer:
            if answer.status_code != 302:
                answer.failure(f"login {answer.status_code}")
        pages = self.account["pages"]
        shift = (n * 3) % len(pages)   # the users start their cycles at different pages
        self.pages = itertools.cycle(pages[shift:] + pages[:shift])

    @task
    def next_page(self) -> None:
        group, path = next(self.pages)
        with self.client.get(path, name=group, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{path}: {answer.status_code}")
            PATHS.setdefault(path, []).append(answer.request_meta["response_time"])


TIMES: dict[str, list[float]] = {}
FAILURES: dict[str, list[str]] = {}
PATHS: dict[str, list[float]] = {}


@events.request.add_listener
def _note(request_type, name, response_time, response_length, exception=None, **_kw) -> None:
    TIMES.setdefault(name, []).append(response_time)
    if exception is not None:
        FAILURES.setdefault(name, []).append(str(exception)[:300])


def run(host: str, users: int, seconds: int, out: str) -> None:
    env = Environment(user_classes=[Staff], host=host, events=events)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(seconds)
    runner.quit()
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"times": TIMES, "failures": FAILURES, "paths": PATHS, "users": users, "seconds": seconds}, fh)


if __name__ == "__main__":
    run(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
