#!/usr/bin/env python3
"""Soak: gls-local under mixed load for a bounded time, on loopback only.

One gls-local (real clock at --time-scale 60, a SQLite file, logging at warn)
takes, at once and for the whole run:
  - API load: boto3 clients start stream sessions (a group with room for
    them), read, list and terminate them, and now and then create and delete
    an application, open a stream URL and export a session's files;
  - admin load: client events (connect, disconnect, input), clock and state
    reads, journal reads and metrics scrapes;
  - event streams: readers that follow /_gls/events, and clients that come
    and go;
  - faults: a rule throwing ThrottlingException at 5% of GetStreamSession
    calls and one adding 1-5 ms to 5% of ListStreamSessions calls, replaced
    every 30 s;
  - snapshots: the state taken after set-up is restored (PUT /_gls/state)
    every 60 s, as a test suite does between tests, so that the stored state
    stays the size of a suite's and what remains of RSS growth is the
    emulator's own.
It prints the errors other than the injected ones (target 0; the domain's
own refusals, such as terminating a session that is still ACTIVATING, are
counted apart), the server's RSS after the warm-up and at the end (target:
within 5%), and p50/p99 per operation, then stops everything it started.

Usage: bench/soak.py [--binary build/gls-local] [--duration 600] [--warmup 120]
Bounded: --duration is at most 600 s.
"""
import argparse
import collections
import json
import multiprocessing
import os
import pathlib
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODELS = ROOT.parent / "shared" / "aws-models"
if (MODELS / "gameliftstreams").is_dir():
    os.environ.setdefault("AWS_DATA_PATH", str(MODELS))
import boto3  # noqa: E402
import botocore.config  # noqa: E402
import botocore.exceptions  # noqa: E402

APP = "a-9ZY8X7Wv6"


class Stats:
    """What one worker saw; workers run in processes of their own (no shared
    interpreter lock between clients) and hand theirs back at the end."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency = collections.defaultdict(list)
        self.injected = collections.Counter()
        self.refusals = collections.Counter()
        self.errors = collections.Counter()

    def ok(self, op, seconds):
        with self.lock:
            self.latency[op].append(seconds)

    def error(self, op, what):
        with self.lock:
            self.errors[f"{op}: {what}"] += 1

    def export(self):
        return dict(self.latency), self.injected, self.refusals, self.errors

    def merge(self, exported):
        latency, injected, refusals, errors = exported
        for k, v in latency.items():
            self.latency[k].extend(v)
        self.injected.update(injected)
        self.refusals.update(refusals)
        self.errors.update(errors)


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return None


def start_server(binary, workdir):
    proc = subprocess.Popen([binary, "--port", "0", "--db", os.path.join(workdir, "soak.db"), "--clock", "real",
                             "--time-scale", "60", "--log-level", "warn", "--threads", "2",
                             "--export-dir", os.path.join(workdir, "exports")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    m = re.search(r"listening on (http://\S+)", line)
    if not m:
        proc.kill()
        raise RuntimeError(f"gls-local did not start: {line}{proc.stdout.read()}")
    log = []
    threading.Thread(target=lambda: [log.append(x) for x in proc.stdout], daemon=True).start()
    return proc, m.group(1), log


def admin(url, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + "/_gls" + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def client(url):
    return boto3.client("gameliftstreams", endpoint_url=url, region_name="us-west-2", aws_access_key_id="soak",
                        aws_secret_access_key="soak",
                        config=botocore.config.Config(retries={"total_max_attempts": 1}, read_timeout=30))


# Bumped around each snapshot restore (odd while it runs): a resource that
# vanished in a restore is not an error of the emulator's.
GENERATION = None


def generation():
    return GENERATION.value if GENERATION is not None else 0


def timed(stats, op, fn, refusals=(), born=None):
    t = time.perf_counter()
    before = generation()
    try:
        r = fn()
        stats.ok(op, time.perf_counter() - t)
        return r
    except botocore.exceptions.ClientError as e:
        code = e.response["Error"]["Code"]
        message = e.response["Error"].get("Message", "")
        status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        restored = before % 2 == 1 or generation() != before or (born is not None and born != before)
        if "injected" in message:
            with stats.lock:
                stats.injected[f"{op}: {code}"] += 1
        elif restored and status < 500:
            with stats.lock:
                stats.refusals[f"{op}: {code} (during or after a snapshot restore)"] += 1
        elif code in refusals and status < 500:
            with stats.lock:
                stats.refusals[f"{op}: {code}"] += 1
        else:
            stats.error(op, f"{status} {code}: {message[:120]}")
    except Exception as e:  # transport: resets, timeouts
        stats.error(op, f"{type(e).__name__}: {e}")
    return None


def api_worker(url, group, stats, stop, seed):
    rng = random.Random(seed)
    gls = client(url)
    mine = []
    while not stop.is_set():
        roll = rng.random()
        if roll < 0.25 or not mine:
            # Read before the start: a restore that runs between its answer
            # and a later reading would take the session away unseen.
            born = generation()
            r = timed(stats, "StartStreamSession", lambda: gls.start_stream_session(
                Identifier=group, ApplicationIdentifier=APP, Protocol="WebRTC", SignalRequest="v=0 soak",
                ConnectionTimeoutSeconds=300))
            if r:
                mine.append((r["Arn"].rsplit("/", 1)[1], born, time.monotonic()))
                mine = mine[-20:]
        elif roll < 0.60:
            sid, born, _ = rng.choice(mine)
            timed(stats, "GetStreamSession", lambda: gls.get_stream_session(Identifier=group,
                                                                             StreamSessionIdentifier=sid), born=born)
        elif roll < 0.72:
            timed(stats, "ListStreamSessions", lambda: gls.list_stream_sessions(Identifier=group, MaxResults=25))
        elif roll < 0.85:
            # Sessions placed by now (2 s of emulator time is 33 ms here): these
            # calls are refused while a session is still ACTIVATING, by design.
            placed = [m for m in mine if time.monotonic() - m[2] > 0.2]
            if not placed:
                continue
            sid, born, started = rng.choice(placed)
            if roll < 0.80:
                mine.remove((sid, born, started))
                timed(stats, "TerminateStreamSession", lambda: gls.terminate_stream_session(
                    Identifier=group, StreamSessionIdentifier=sid), refusals=("ValidationException",), born=born)
            else:
                timed(stats, "ExportStreamSessionFiles", lambda: gls.export_stream_session_files(
                    Identifier=group, StreamSessionIdentifier=sid, OutputUri=f"s3://soak-bucket/{sid}/"),
                    refusals=("ValidationException",), born=born)
        elif roll < 0.90:
            timed(stats, "GetStreamGroup", lambda: gls.get_stream_group(Identifier=group))
        elif roll < 0.94:
            born = generation()
            r = timed(stats, "CreateApplication", lambda: gls.create_application(
                Description="soak", ExecutablePath="bin/game.exe", ApplicationSourceUri="s3://soak-bucket/app",
                RuntimeEnvironment={"Type": "PROTON", "Version": "20241007"}))
            if r:
                time.sleep(0.15)  # 6 s of emulator time: READY
                timed(stats, "DeleteApplication", lambda: gls.delete_application(Identifier=r["Id"]),
                      refusals=("ConflictException",), born=born)
        elif roll < 0.97:
            born = generation()
            r = timed(stats, "CreateStreamUrl", lambda: gls.create_stream_url(
                Identifier=group, ApplicationIdentifier=APP, Protocol="WebRTC", UrlExpiresAfterMinutes=60,
                Locations=["us-west-2"]))
            if r:
                t = time.perf_counter()
                try:
                    with urllib.request.urlopen(urllib.request.Request(r["StreamUrl"],
                                                                       headers={"Accept": "application/json"}),
                                                timeout=30) as resp:
                        resp.read()
                    stats.ok("open stream URL", time.perf_counter() - t)
                except urllib.error.HTTPError as e:
                    if e.code == 404 and (born % 2 == 1 or generation() != born):
                        with stats.lock:
                            stats.refusals["open stream URL: 404 (during or after a snapshot restore)"] += 1
                    else:
                        stats.error("open stream URL", str(e))
                except Exception as e:
                    stats.error("open stream URL", str(e))
        else:
            timed(stats, "ListApplications", lambda: gls.list_applications(MaxResults=10))


def admin_worker(url, group, stats, stop, seed):
    rng = random.Random(seed)
    gls = client(url)
    while not stop.is_set():
        roll = rng.random()
        t = time.perf_counter()
        if roll < 0.5:
            listed = generation()
            page = timed(stats, "ListStreamSessions", lambda: gls.list_stream_sessions(
                Identifier=group, Status="ACTIVE", MaxResults=10))
            for s in (page or {}).get("Items", [])[:3]:
                sid = s["Arn"].rsplit("/", 1)[1]
                event = rng.choice(["clientConnect", "userInput", "clientDisconnect"])
                t = time.perf_counter()
                before = listed
                status, body = admin(url, "POST", f"/sessions/{group}/{sid}/events", {"event": event})
                if status == 200 or status == 409:  # 409: the session moved on meanwhile
                    stats.ok("admin events", time.perf_counter() - t)
                elif status == 404 and (before % 2 == 1 or generation() != before):
                    with stats.lock:
                        stats.refusals["admin events: 404 (during or after a snapshot restore)"] += 1
                else:
                    stats.error("admin events", f"{status} {body[:120]!r}")
            continue
        path = ("/clock" if roll < 0.7 else "/requests?limit=50" if roll < 0.85 else "/metrics" if roll < 0.99
                else "/health")
        status, body = admin(url, "GET", path)
        name = "admin GET " + path.split("?")[0]
        if status == 200:
            stats.ok(name, time.perf_counter() - t)
        else:
            stats.error(name, f"{status} {body[:120]!r}")
        time.sleep(0.01)


def event_reader(url, stats, stop, lifetime):
    """Follows /_gls/events; with a lifetime, reconnects after it."""
    host, port = url.split("//")[1].split(":")
    while not stop.is_set():
        started = time.monotonic()
        try:
            with socket.create_connection((host, int(port)), timeout=5) as s:
                s.sendall(f"GET /_gls/events HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
                s.settimeout(1)
                got = 0
                while not stop.is_set() and (lifetime is None or time.monotonic() - started < lifetime):
                    try:
                        data = s.recv(65536)
                    except socket.timeout:
                        continue
                    if not data:
                        stats.error("event stream", "closed by the server")
                        break
                    got += len(data)
                stats.ok("event stream session", time.monotonic() - started)
        except OSError as e:
            if not stop.is_set():
                stats.error("event stream", str(e))
            time.sleep(0.5)


def in_process(target, url, group, seed, stop, results, gen):
    """Runs one worker in this process until `stop`, then hands back its Stats."""
    global GENERATION
    GENERATION = gen
    stats = Stats()
    target(url, group, stats, stop, seed)
    results.put(stats.export())


def events_process(url, group, stats, stop, seed):
    del group, seed
    readers = [threading.Thread(target=event_reader, args=(url, stats, stop, lifetime), daemon=True)
               for lifetime in (None, None, None, 5, 5, 20)]
    for t in readers:
        t.start()
    for t in readers:
        t.join()


def restorer(url, stats, stop, snapshot, every):
    """Restores the snapshot taken at the start every `every` seconds, as a
    test suite does between tests: the state stays the size of a suite's."""
    while not stop.wait(every):
        with GENERATION.get_lock():
            GENERATION.value += 1
        t = time.perf_counter()
        status, body = admin(url, "PUT", "/state", snapshot)
        with GENERATION.get_lock():
            GENERATION.value += 1
        if status == 200:
            stats.ok("admin PUT /state", time.perf_counter() - t)
        else:
            stats.error("admin PUT /state", f"{status} {body[:120]!r}")


def fault_worker(url, stats, stop):
    while not stop.is_set():
        status, body = admin(url, "DELETE", "/faults")
        ok = status == 200
        for rule in ({"operation": "GetStreamSession", "error": "ThrottlingException", "probability": 0.05},
                     {"operation": "ListStreamSessions", "latencyMs": {"min": 1, "max": 5}, "probability": 0.05}):
            status, body = admin(url, "POST", "/faults", rule)
            ok &= status == 201
        if not ok:
            stats.error("admin faults", f"{status} {body[:120]!r}")
        stop.wait(30)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=str(ROOT / "build" / "gls-local"))
    ap.add_argument("--duration", type=float, default=600)
    ap.add_argument("--warmup", type=float, default=120)
    ap.add_argument("--api-workers", type=int, default=4)
    ap.add_argument("--restore-every", type=float, default=60)
    args = ap.parse_args()
    duration = min(args.duration, 600)
    warmup = min(args.warmup, duration / 2)

    workdir = tempfile.mkdtemp(prefix="gls-soak-")
    proc, url, log = start_server(args.binary, workdir)
    stats = Stats()
    stop = threading.Event()
    threads = []
    try:
        gls = client(url)
        group = gls.create_stream_group(Description="soak", StreamClass="gen4n_win2022", DefaultApplicationIdentifier=APP,
                                        LocationConfigurations=[{"LocationName": "us-west-2",
                                                                 "AlwaysOnCapacity": 1000}])["Id"]
        time.sleep(0.3)  # 18 s of emulator time: ACTIVE
        gls.associate_applications(Identifier=group, ApplicationIdentifiers=[APP])
        status, snapshot = admin(url, "GET", "/state")
        snapshot = json.loads(snapshot)
        global GENERATION
        GENERATION = multiprocessing.Value("i", 0)
        mp_stop = multiprocessing.Event()
        results = multiprocessing.Queue()
        workers = [(api_worker, i) for i in range(args.api_workers)] + [(admin_worker, 100), (events_process, 0)]
        processes = [multiprocessing.Process(target=in_process,
                                             args=(w, url, group, seed, mp_stop, results, GENERATION))
                     for w, seed in workers]
        for p in processes:
            p.start()
        threads.append(threading.Thread(target=fault_worker, args=(url, stats, stop), daemon=True))
        threads.append(threading.Thread(target=restorer, args=(url, stats, stop, snapshot, args.restore_every),
                                        daemon=True))
        for t in threads:
            t.start()

        start = time.monotonic()
        samples = []
        while time.monotonic() - start < duration:
            time.sleep(1)
            samples.append((time.monotonic() - start, rss_kib(proc.pid)))
            if proc.poll() is not None:
                stats.error("gls-local", f"exited with {proc.returncode}")
                break
        stop.set()
        mp_stop.set()
        for _ in processes:
            stats.merge(results.get(timeout=60))
        for p in processes:
            p.join(timeout=30)
        for t in threads:
            t.join(timeout=40)
    finally:
        stop.set()
        if proc.poll() is None:
            proc.terminate()
        code = proc.wait(timeout=30)

    # The highs of a whole restore cycle (--restore-every) each, after the
    # warm-up and at the end: single samples swing by the restores' memory.
    def high(since, until):
        window = [r for t, r in samples if since <= t < until and r]
        return max(window) if window else None

    cycle = args.restore_every
    after_warmup, end = high(warmup, warmup + cycle), high(duration - cycle, duration + 1)
    requests = sum(len(v) for v in stats.latency.values())
    print(f"soak: {duration:.0f} s on a real clock at scale 60, warm-up {warmup:.0f} s, {requests} answered calls, "
          f"exit code {code}")
    print(f"errors other than injected ones: {sum(stats.errors.values())} (target 0)")
    for k, n in stats.errors.most_common(10):
        print(f"  {n:6d}  {k}")
    print(f"injected: {sum(stats.injected.values())} ({', '.join(f'{k} {n}' for k, n in stats.injected.items())})")
    print(f"domain refusals: {sum(stats.refusals.values())} "
          f"({', '.join(f'{k} {n}' for k, n in stats.refusals.most_common())})")
    minutes = [f"{r / 1024:.1f}" for t, r in samples if r and int(t) % 60 == 0 and t >= 1]
    print(f"RSS each minute (MiB): {' '.join(minutes)}")
    if after_warmup and end:
        growth = (end - after_warmup) / after_warmup * 100
        print(f"RSS high of the restore cycle ({cycle:.0f} s) after warm-up {after_warmup / 1024:.1f} MiB, of the "
              f"last cycle {end / 1024:.1f} MiB: {growth:+.1f}% (target within 5%)")
    print(f"{'operation':32} {'calls':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for op in sorted(stats.latency):
        values = sorted(stats.latency[op])
        if op == "event stream session":
            continue
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(f"{op:32} {len(values):8d} {statistics.median(values) * 1000:8.2f} {p99 * 1000:8.2f}")
    warnings = [line.rstrip() for line in log if " warn " in line or " error " in line]
    if warnings:
        print(f"server warnings and errors: {len(warnings)}, e.g. {warnings[:3]}")
    return 0 if not stats.errors and code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
