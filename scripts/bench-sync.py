#!/usr/bin/env python3
"""Sync throughput: POST /api/sync/push over HTTP with batches of 100 rating operations.

Creates fresh events of the demo business (so every operation rates its own event), signs in as
the demo business, and pushes them from several connections at once. Prints applied operations
per second and the latency of a batch (p50/p99). Standard library only.

Usage: bench-sync.py BASE_URL [OPERATIONS] [CONNECTIONS]   (DATABASE_URL in the environment)
"""

import http.client
import json
import os
import queue
import random
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

BATCH = 100
CRITERIA = ["courtesy", "competence", "procedure", "clarity", "usefulness"]


def uuid7() -> str:
    ms = int(time.time() * 1000)
    rand = random.getrandbits(74)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


def main() -> None:
    base = urllib.parse.urlparse(sys.argv[1])
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    connections = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    prefix = f"{random.randrange(1000, 9999)}"
    # Events of the demo business nobody has rated, numbered PREFIX + 16 digits.
    subprocess.run(
        ["psql", os.environ["DATABASE_URL"], "-q", "-c", f"""
        INSERT INTO control_event (id, erknm_number, event_type, kind_id, body_id,
                                   organisation_id, starts_on, ends_on)
        SELECT gen_random_uuid(), '{prefix}' || lpad(n::text, 16, '0'), 'knm', k.id, k.body_id,
               o.id, current_date - 10, current_date - 9
        FROM generate_series(1, {total}) AS n,
             (SELECT id, body_id FROM control_kind ORDER BY slug LIMIT 1) AS k,
             (SELECT id FROM organisation WHERE inn = '2721001237' AND parent_id IS NULL) AS o"""],
        check=True,
    )

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(base.hostname, base.port, timeout=60)

    login = connect()
    login.request("POST", "/api/session/login",
                  json.dumps({"email": "business@demo.knd.local", "password": "demo-password-2026"}),
                  {"content-type": "application/json"})
    answer = login.getresponse()
    answer.read()
    assert answer.status == 200, answer.status
    # Every cookie the sign-in set (the session and the device cookie), as a browser sends them.
    cookie = "; ".join(c.split(";")[0] for c in answer.msg.get_all("set-cookie"))

    batches: "queue.Queue[list]" = queue.Queue()
    for start in range(1, total + 1, BATCH):
        ops = []
        for n in range(start, min(start + BATCH, total + 1)):
            scores = [{"criterion": c, "score": 8} for c in CRITERIA]
            if n % 10 == 0:
                scores[0] = {"criterion": "courtesy", "score": 3, "reasons": ["procedure"]}
            ops.append({"op_id": uuid7(), "kind": "rating.submit", "payload": {
                "side": "business", "event": {"by": "register", "number": f"{prefix}{n:016d}"},
                "scores": scores, "comment": ""}})
        batches.put(json.dumps({"ops": ops}))

    latencies: list = []
    applied = [0]
    failures: list = []
    lock = threading.Lock()

    def worker() -> None:
        conn = connect()
        while True:
            try:
                body = batches.get_nowait()
            except queue.Empty:
                return
            began = time.perf_counter()
            conn.request("POST", "/api/sync/push", body,
                         {"content-type": "application/json", "cookie": cookie})
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    failures.append(response.status)
                    continue
                outcomes = json.loads(data)
                applied[0] += sum(1 for o in outcomes if o["status"] == "applied")
                failures.extend(o.get("reason") for o in outcomes if o["status"] != "applied")

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    print(f"{'sync push, batches of 100, ' + str(connections) + ' connections':40} "
          f"{applied[0] / wall:10.0f} ops/s   p50 {pct(0.50):7.1f} ms   p99 {pct(0.99):7.1f} ms   "
          f"({applied[0]} applied of {total} in {wall:.1f} s, {len(failures)} not applied)")
    if failures:
        print("not applied:", failures[:5])


if __name__ == "__main__":
    main()
