"""The fleet, run for real: a PostgreSQL primary and its streaming replica, two instances of
`kommunedigi serve` reading from the replica and importing into the primary, nginx with
deploy/nginx.conf in front, and the local Redis counting rate limits for both.

The tests run in order on one fleet, each taking away a little more: an import seen by
both instances; the proxy's cache and the client's address; an instance killed under
load; the primary stopped; the replica stopped; both instances gone. They need
PostgreSQL's binaries, nginx and Redis: without them they are skipped, and under
CI=true they fail instead (.ci/run installs nginx).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.topology_helpers import Fleet, health, missing_binaries, running_fleet, wait_for

pytestmark = pytest.mark.topology
logger = logging.getLogger("kommunedigi.topology")

TOKEN = "topology test token"
REDIS_URL = os.environ.get("KOMMUNEDIGI_TEST_REDIS_URL") or "redis://127.0.0.1:6379"
MAX_AGE = 2  # seconds nginx keeps an answer fresh, short so that the test sees it expire
RELEASE_CHECK = 1
LOAD_SECONDS = 20
CORRECTED = (
    "survey,wave,question,option,segment,value,base_n,status,source,locator,note_nb,note_en\n"
    "kommuneundersokelsen,2017,action-plan,yes,all,77,,published,pr17,,,\n"
)
INDICATOR = "/api/v1/indicators/action-plan"
KEPT = "/api/v1/topics"  # kept by the proxy, asked for in the last test with no instance up


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true requires it)", pytrace=False)
    pytest.skip(reason)


def _redis_up() -> bool:
    where = httpx.URL(REDIS_URL)
    try:
        socket.create_connection((where.host, where.port or 6379), timeout=2).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    if missing := missing_binaries():
        _unavailable(f"the topology needs {', '.join(missing)}")
    if not _redis_up():
        _unavailable(f"Redis at {REDIS_URL} is unreachable; set KOMMUNEDIGI_TEST_REDIS_URL")
    quota = 100_000 + random.randrange(100_000)  # counts of its own in the shared Redis
    settings = {
        "KOMMUNEDIGI_RATE_LIMIT_STORAGE": REDIS_URL,
        "KOMMUNEDIGI_RATE_LIMIT_API": f"{quota}/hour",
        "KOMMUNEDIGI_RATE_LIMIT_HARVEST": f"{quota}/hour",
        "KOMMUNEDIGI_IMPORT_TOKEN_HASHES": hashlib.sha256(TOKEN.encode()).hexdigest(),
        "KOMMUNEDIGI_RELEASE_CHECK_SECONDS": str(RELEASE_CHECK),
        "KOMMUNEDIGI_CACHE_MAX_AGE": str(MAX_AGE),
        "KOMMUNEDIGI_CACHE_STALE_WHILE_REVALIDATE": "1",
    }
    with running_fleet(settings, instances=2) as fleet:
        fleet.quota = quota
        yield fleet
        # What the run measured, for docs/deploy.md: logged, and kept where asked.
        logger.info("topology timings: %s", fleet.timings)
        if report := os.environ.get("KOMMUNEDIGI_TOPOLOGY_REPORT"):
            Path(report).write_text(json.dumps(fleet.timings, indent=2))


def test_each_instance_reads_the_replica_and_serves_the_primary_s_release(fleet: Fleet) -> None:
    with psycopg.connect(f"host=127.0.0.1 port={fleet.primary.port} user=postgres "
                         "dbname=kommunedigi") as connection:  # fmt: skip
        row = connection.execute("SELECT max(id) FROM release").fetchone()
        streaming = connection.execute("SELECT count(*) FROM pg_stat_replication").fetchone()
    assert row is not None and streaming == (1,)
    for base in fleet.direct:
        answer = health(base)
        assert answer["replication"]["role"] == "replica"
        assert answer["replication"]["lag_seconds"] is not None
        assert answer["release"]["id"] == row[0]


def test_an_import_through_the_proxy_reaches_both_instances(fleet: Fleet) -> None:
    before = health(fleet.direct[0])["release"]["id"]
    started = time.monotonic()
    imported = httpx.post(
        f"{fleet.proxy}/api/v1/imports",
        content=CORRECTED,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/csv"},
        timeout=120,
    )
    assert imported.status_code == 201, imported.text
    release = imported.json()["release"]
    assert release == before + 1
    imported_at = time.monotonic()
    lags = []
    for base in fleet.direct:

        def serves_it(base: str = base) -> bool:
            answer = health(base)
            lags.append(answer["replication"]["lag_seconds"] or 0.0)
            return bool(answer["release"]["id"] == release)

        wait_for(f"{base} serves release {release}", serves_it, 30)
        figure = httpx.get(f"{base}{INDICATOR}").json()["series"][2]["value"]
        assert figure == 77  # the imported figure, from the replica
    seen = time.monotonic() - imported_at
    fleet.timings["import_seconds"] = round(imported_at - started, 2)
    fleet.timings["seen_everywhere_after"] = round(seen, 2)
    fleet.timings["largest_lag_reported"] = max(lags)
    # The replica's lag plus the release check, and room for a loaded machine to poll.
    assert seen <= max(lags) + RELEASE_CHECK + 5


def test_the_proxy_keeps_revalidates_and_counts_each_client(fleet: Fleet) -> None:
    url = f"{fleet.proxy}{KEPT}"
    first = httpx.get(url)
    again = httpx.get(url)
    assert first.status_code == again.status_code == 200
    assert first.headers["x-cache-status"] in ("MISS", "EXPIRED", "STALE", "UPDATING")
    assert again.headers["x-cache-status"] == "HIT"
    assert again.headers["etag"] == first.headers["etag"]
    assert "stale-if-error=" in again.headers["cache-control"]
    # A client's own validator is answered by the proxy itself.
    matched = httpx.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert matched.status_code == 304
    # Once expired, nginx asks an instance with the ETag, which answers 304.
    time.sleep(MAX_AGE + 1.5)
    httpx.get(url)

    def revalidated() -> bool:
        logs = "".join((fleet.folder / f"instance{n}.log").read_text() for n in (1, 2))
        return f'"GET {KEPT} HTTP/1.1" 304' in logs

    wait_for("a 304 to nginx's revalidation", revalidated, 10)

    # Each client counted by its own address (from X-Forwarded-For), in one shared Redis
    # whichever instance answers: POSTs are never kept, so each reaches an instance.
    def remaining(client: httpx.Client) -> int:
        answer = client.post(f"{fleet.proxy}/graphql", json={"query": "{ __typename }"})
        assert answer.status_code == 200, answer.text
        return int(answer.headers["ratelimit"].split("r=")[1].split(";")[0])

    with (
        httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2")) as one,
        httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.3")) as other,
    ):
        counted = [remaining(one) for _ in range(3)]
        assert counted == [fleet.quota - 1, fleet.quota - 2, fleet.quota - 3]
        assert remaining(other) == fleet.quota - 1


def test_an_instance_killed_under_load_fails_no_request(fleet: Fleet) -> None:
    stop = threading.Event()
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()

    def load(seed: int) -> None:
        picker = random.Random(seed)
        with httpx.Client(base_url=fleet.proxy, timeout=30) as client:
            while not stop.is_set():
                # Answers the proxy keeps, pages it must fetch (a few hundred URLs,
                # expiring every two seconds) and health, which it never keeps.
                path = picker.choice(
                    [INDICATOR, KEPT, f"/api/v1/shares?limit={picker.randint(1, 300)}", "/health"]
                )
                started = time.monotonic()
                try:
                    answer = client.get(path)
                    outcome = str(answer.status_code)
                except httpx.HTTPError as error:
                    outcome = type(error).__name__
                took = time.monotonic() - started
                with lock:
                    outcomes[outcome] += 1
                    latencies.append(took)
                    if outcome != "200":
                        failures.append(f"{path}: {outcome}")

    threads = [threading.Thread(target=load, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(LOAD_SECONDS / 3)
    with lock:
        before_kill = sum(outcomes.values())
    fleet.instances[0].kill()
    time.sleep(LOAD_SECONDS * 2 / 3)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    latencies.sort()
    total = sum(outcomes.values())
    fleet.timings["load"] = {
        "requests": total,
        "before_kill": before_kill,
        "per_second": round(total / LOAD_SECONDS),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1),
        "outcomes": dict(outcomes),
    }
    assert not fleet.instances[0].running()
    assert total > 100 and before_kill > 0
    assert failures == []


def test_with_the_primary_stopped_reads_go_on_and_an_import_is_a_503(fleet: Fleet) -> None:
    served_before = health(fleet.direct[1])["release"]["id"]
    fleet.primary.stop("fast")
    answer = httpx.get(f"{fleet.direct[1]}{INDICATOR}")
    assert answer.status_code == 200
    assert httpx.get(f"{fleet.proxy}/api/v1/shares?limit=301").status_code == 200
    started = time.monotonic()
    refused = httpx.post(
        f"{fleet.proxy}/api/v1/imports",
        content=CORRECTED.replace(",77,", ",78,"),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/csv"},
        timeout=60,
    )
    fleet.timings["import_refused_after"] = round(time.monotonic() - started, 2)
    assert refused.status_code == 503, refused.text
    assert refused.headers["retry-after"].isdigit()
    assert refused.json()["type"] == "/problems/database-unavailable"
    # Nothing of it anywhere: the replica serves the release it served.
    assert health(fleet.direct[1])["release"]["id"] == served_before


def test_with_the_replica_stopped_reads_answer_503_fast_never_hang(fleet: Fleet) -> None:
    fleet.replica.stop("immediate")
    started = time.monotonic()
    answer = httpx.get(f"{fleet.direct[1]}/api/v1/shares?limit=302", timeout=60)
    took = time.monotonic() - started
    assert answer.status_code == 503
    assert answer.headers["retry-after"].isdigit()
    # Through the proxy: the one instance left says 503, and the dead one cannot be
    # reached (502); either way at once, never a hang.
    started = time.monotonic()
    proxied = httpx.get(f"{fleet.proxy}/api/v1/shares?limit=303", timeout=60)
    took_proxied = time.monotonic() - started
    fleet.timings["read_refused_after"] = [round(took, 2), round(took_proxied, 2)]
    assert proxied.status_code in (502, 503)
    assert took < 10 and took_proxied < 10


def test_with_both_instances_down_the_proxy_serves_a_kept_answer_marked_stale(
    fleet: Fleet,
) -> None:
    kept = httpx.get(f"{fleet.proxy}{KEPT}")
    assert kept.status_code == 200
    fleet.instances[1].stop()
    time.sleep(MAX_AGE + 1.5)  # past max-age and stale-while-revalidate
    answer = httpx.get(f"{fleet.proxy}{KEPT}")
    assert answer.status_code == 200
    assert answer.headers["x-cache-status"] == "STALE"
    assert answer.content == kept.content
    assert httpx.get(f"{fleet.proxy}/api/v1/shares?limit=304").status_code == 502
