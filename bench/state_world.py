#!/usr/bin/env python3
"""Peak memory of restoring and dumping a large world: PUT /_gls/state of a
world of N sessions (the LargeWorlds generator of the integration tests),
then GET /_gls/state, on a file database and on :memory:.

Usage: bench/state_world.py [BUILD_DIR] [--sessions N] [--baseline BINARY]

Prints, for each gls-local (BUILD_DIR/gls-local, and --baseline's, e.g. a
build of an earlier commit), the peak RSS (VmHWM) after start-up, over the
PUT (answer read in full), and over the GET (in a fresh server on the same
file; on :memory:, after the PUT, the peak reset through /proc/PID/clear_refs:
"GET from" is where it started), with the wall time of each and the answer's
size; and the highest RssAnon sampled meanwhile (VmHWM also counts the
database file's pages, which the store maps). Also says whether the two
binaries' GET answers are the same bytes, but for what differs from one
server to the next (its port, the SDP answers' random values): the restore
runs at one fixed time, so that the defaults it gives are the same. Not a
test: figures only.
"""
import argparse
import http.client
import json
import os
import re
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from run_all import Server, rss_mib  # noqa: E402
from test_resource_state import large_world  # noqa: E402


FIXED_NOW = 4102444800  # 2100-01-01, after any clock a server starts with


def vm_hwm_mib(pid):
    return rss_mib(pid, "VmHWM")


def anon_mib(pid):
    return rss_mib(pid, "RssAnon")


class AnonPeak:
    """The highest RssAnon seen, sampled every 5 ms while the block runs: the
    server's own memory (VmHWM also counts the database file's pages, which
    the store maps and which a whole dump reads)."""

    def __init__(self, pid):
        self.pid, self.peak, self.done = pid, anon_mib(pid), threading.Event()

    def __enter__(self):
        def sample():
            while not self.done.wait(0.005):
                self.peak = max(self.peak, anon_mib(self.pid))
        self.thread = threading.Thread(target=sample, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self.peak = max(self.peak, anon_mib(self.pid))


def reset_peak(pid):
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def call(port, method, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        t0 = time.monotonic()
        c.request(method, "/_gls/state", body=body, headers={"Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        return r.status, data, time.monotonic() - t0
    finally:
        c.close()


def comparable(answer):
    """The answer's bytes less what differs from one server to the next: the
    ports (in URLs) and the SDP answers, made of random values."""
    answer = re.sub(rb"127\.0\.0\.1:[0-9]+", b"127.0.0.1:PORT", answer)
    return re.sub(rb'"SignalResponse":"(?:[^"\\]|\\.)*"', b'"SignalResponse":"..."', answer)


def measure(binary, db, document):
    """On a file database the GET is measured in a fresh server on the same
    file (what the PUT left allocated is not counted); on :memory:, after
    the PUT, its peak reset."""
    extra = ("--state-body-limit", "1G")
    with Server(None, db, threads=2, extra=extra, pin=False, binary=binary) as s:
        idle = vm_hwm_mib(s.proc.pid)
        # One fixed time for the defaults the restore gives (CreatedAt...), so
        # that two binaries' answers can be compared byte for byte.
        c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
        c.request("POST", "/_gls/clock", body=json.dumps({"set": FIXED_NOW}),
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        if r.status != 200:
            raise RuntimeError(f"POST /_gls/clock refused the fixed time: {r.read()[:300]!r}")
        c.close()
        with AnonPeak(s.proc.pid) as put_anon:
            status, put_answer, put_s = call(s.port, "PUT", document)
        if status != 200:
            raise RuntimeError(f"PUT /_gls/state answered {status}: {put_answer[:300]!r}")
        put_peak = vm_hwm_mib(s.proc.pid)
        if db == ":memory:":
            reset_peak(s.proc.pid)
            get_base = vm_hwm_mib(s.proc.pid)
            with AnonPeak(s.proc.pid) as get_anon:
                status, get_answer, get_s = call(s.port, "GET")
            get_peak = vm_hwm_mib(s.proc.pid)
    if db != ":memory:":
        with Server(None, db, threads=2, extra=extra, pin=False, binary=binary) as s:
            get_base = vm_hwm_mib(s.proc.pid)
            with AnonPeak(s.proc.pid) as get_anon:
                status, get_answer, get_s = call(s.port, "GET")
            get_peak = vm_hwm_mib(s.proc.pid)
    if status != 200:
        raise RuntimeError(f"GET /_gls/state answered {status}: {get_answer[:300]!r}")
    return {"idle": idle, "put_peak": put_peak, "put_anon": put_anon.peak, "put_s": put_s, "get_base": get_base,
            "get_peak": get_peak, "get_anon": get_anon.peak, "get_s": get_s, "bytes": len(get_answer),
            "put_is_get": put_answer == get_answer, "answer": comparable(get_answer)}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("build_dir", nargs="?", default=os.path.join(HERE, "..", "build"))
    p.add_argument("--sessions", type=int, default=100_000)
    p.add_argument("--baseline", help="another gls-local binary, measured the same way")
    args = p.parse_args()
    binaries = [("this build", os.path.join(os.path.abspath(args.build_dir), "gls-local"))]
    if args.baseline:
        binaries.insert(0, ("baseline", os.path.abspath(args.baseline)))
    document = json.dumps(large_world(args.sessions)).encode()
    print(f"world: {args.sessions:,} sessions, {len(document) / 2**20:.1f} MiB of JSON")
    print("peaks in MiB: VmHWM (anon: the highest RssAnon sampled, without the mapped database file)")
    print(f"{'binary':<11} {'db':<7} {'idle':>6} {'PUT peak':>8} {'(anon)':>7} {'PUT s':>6} {'GET from':>8} "
          f"{'GET peak':>8} {'(anon)':>7} {'GET s':>6} {'answer':>7}  PUT answer = GET answer")
    answers = {}
    with tempfile.TemporaryDirectory(prefix="gls-state-world-") as tmp:
        for name, binary in binaries:
            for db_name in ("file", "memory"):
                db = os.path.join(tmp, f"{len(answers)}.db") if db_name == "file" else ":memory:"
                m = measure(binary, db, document)
                answers[(name, db_name)] = m.pop("answer")
                print(f"{name:<11} {db_name:<7} {m['idle']:>6.1f} {m['put_peak']:>8.1f} {m['put_anon']:>7.1f} "
                      f"{m['put_s']:>6.2f} {m['get_base']:>8.1f} {m['get_peak']:>8.1f} {m['get_anon']:>7.1f} "
                      f"{m['get_s']:>6.2f} {m['bytes'] / 2**20:>7.1f}  {m['put_is_get']}")
    if args.baseline:
        for db_name in ("file", "memory"):
            same = answers[("baseline", db_name)] == answers[("this build", db_name)]
            print(f"{db_name}: the GET answers of both binaries are the same bytes (but for ports and SDP answers): "
                  f"{same}")


if __name__ == "__main__":
    main()
