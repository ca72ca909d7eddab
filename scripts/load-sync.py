#!/usr/bin/env python3
"""The exactly-once check of scripts/load: a device's outbox, pushed through the load balancer
while the database goes away and comes back.

Each of CONNECTIONS workers keeps a queue of batches of 5 ratings of fresh events and sends one
batch after another, as the app's outbox does: a batch that fails (no connection, 5xx, or an
operation answered `retry`) is sent again with the same operation ids until every operation is
answered `applied` or `duplicate`. After SECONDS it stops taking new batches, finishes the ones
in flight, then counts in PostgreSQL what arrived: every operation exactly once is the goal.

Usage: load-sync.py BASE_URL PREFIX SECONDS [CONNECTIONS]   (DATABASE_URL in the environment)
Standard library only.
"""

import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

BATCH = 5
CRITERIA = ["courtesy", "competence", "procedure", "clarity", "usefulness"]
# How long a batch may keep failing after SECONDS before the check gives up on it (lost).
GRACE = 90


def uuid7() -> str:
    ms = int(time.time() * 1000)
    rand = random.getrandbits(74)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


def psql(sql: str) -> str:
    # Through stdin: the list of operation ids is longer than a command line may be.
    return subprocess.run(["psql", os.environ["DATABASE_URL"], "-qtA", "-v", "ON_ERROR_STOP=1"],
                          input=sql, check=True, capture_output=True, text=True).stdout.strip()


def main() -> None:
    base = urllib.parse.urlparse(sys.argv[1])
    prefix, seconds = sys.argv[2], float(sys.argv[3])
    connections = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    origin = f"{base.scheme}://{base.netloc}"

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(base.hostname, base.port, timeout=30)

    def post(path: str, body: str, cookie: str = "") -> tuple:
        conn = connect()
        try:
            headers = {"content-type": "application/json", "origin": origin}
            if cookie:
                headers["cookie"] = cookie
            conn.request("POST", path, body, headers)
            answer = conn.getresponse()
            return answer.status, answer.read(), answer.msg.get_all("set-cookie") or []
        finally:
            conn.close()

    status, _, cookies = post("/api/session/login", json.dumps(
        {"email": "business@demo.knd.local", "password": "demo-password-2026"}))
    assert status == 200, f"sign-in answered {status}"
    cookie = "; ".join(c.split(";")[0] for c in cookies)

    lock = threading.Lock()
    sent_ops: list = []
    totals = {"batches": 0, "resends": 0, "lost_batches": 0, "rejected": 0}
    stop_at = time.monotonic() + seconds
    give_up_at = stop_at + GRACE

    def worker(number: int) -> None:
        made = 0
        while time.monotonic() < stop_at:
            ops = []
            for _ in range(BATCH):
                made += 1
                event = f"{prefix}{number:02d}{made:014d}"
                ops.append({"op_id": uuid7(), "kind": "rating.submit", "payload": {
                    "side": "business", "event": {"by": "register", "number": event},
                    "scores": [{"criterion": c, "score": 9} for c in CRITERIA], "comment": ""}})
            body = json.dumps({"ops": ops})
            with lock:
                sent_ops.extend(op["op_id"] for op in ops)
                totals["batches"] += 1
            while True:
                try:
                    status, data, _ = post("/api/sync/push", body, cookie)
                    outcomes = json.loads(data) if status == 200 else None
                except (OSError, http.client.HTTPException, ValueError):
                    outcomes = None
                if outcomes is not None and all(o["status"] in ("applied", "duplicate", "rejected")
                                                for o in outcomes):
                    with lock:
                        totals["rejected"] += sum(o["status"] == "rejected" for o in outcomes)
                    break
                with lock:
                    totals["resends"] += 1
                if time.monotonic() > give_up_at:
                    with lock:
                        totals["lost_batches"] += 1
                    break
                time.sleep(0.5)

    threads = [threading.Thread(target=worker, args=(n + 1,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    ops = len(sent_ops)
    stored = int(psql(f"""
        SELECT count(*) FROM rating r JOIN control_event e ON e.id = r.event_id
        WHERE e.erknm_number LIKE '{prefix}%'"""))
    recorded = int(psql("SELECT count(*) FROM sync_op WHERE op_id IN (" +
                        ",".join(f"'{o}'" for o in sent_ops) + ")")) if sent_ops else 0
    print(f"SYNC ops={ops} batches={totals['batches']} resends={totals['resends']} "
          f"rejected={totals['rejected']} lost_batches={totals['lost_batches']} "
          f"ratings_stored={stored} ops_recorded={recorded}")


if __name__ == "__main__":
    main()
