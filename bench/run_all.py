#!/usr/bin/env python3
"""Every performance target of gls-local, measured in one run, printed as one table.

Usage: bench/run-all [BUILD_DIR] [--quick] [--only NAME,...] [--keep DIR] [--baseline BUILD_DIR]
                     [--against BUILD_DIR]

Builds nothing: it runs BUILD_DIR/gls-local (default build/) and the
benchmark programs in BUILD_DIR/bench. Each figure comes with its baseline
measured in the same run (nginx serving the same bytes, the 1k-session store,
the first page, the store without sessions), so the ratios hold on a shared,
noisy machine where absolute figures do not. The server runs on CPU 0 with one
I/O thread and wrk (-t1 -c32) on CPU 1; throughputs are medians of rounds that
alternate between the figure and its baseline.

With --against OTHER_BUILD_DIR, every benchmark runs for both builds, one
right after the other (which goes first alternates from one benchmark to
the next), and the table shows both: a before and after from one run, in
which a machine whose speed drifts over minutes favours neither build.

Large stores are written by BUILD_DIR/bench/store_gen through the emulator's
own store layer (see bench/store_gen.cpp), not through API calls.

Sizes (full run / --quick):
  large store                      1,000,000 / 100,000 sessions
  list depth store                   100,000 / 20,000 sessions
  start-up and idle RSS      0, 100k, 1M     / 0, 10k, 100k sessions
  StartStreamSession sustained          60 s / 20 s
  StartStreamSession instructions       2 x 3 x 1,000 starts under callgrind (both)
  wrk rounds                       3 x 5 s   / 2 x 3 s
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from http_bench import free_port, parse_wrk, pinned  # noqa: E402
import start_instructions  # noqa: E402
GROUP = "sg-1AB2C3De4"
APP = "a-9ZY8X7Wv6"
DOC_SESSION = "ABC123def4567"
CPU_SERVER, CPU_CLIENT = 0, 1  # as bench/http_bench.py pins them


def http_get(port, path, timeout=5.0):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def rss_mib(pid, field="VmRSS"):
    """A memory figure of /proc/PID/status (VmRSS, VmHWM, RssAnon...), in MiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """One gls-local on a free loopback port, stopped by its pid."""

    def __init__(self, bench, db, threads=1, clock="manual", extra=(), pin=True, wait_path=None, binary=None):
        self.port = free_port()
        cmd = [binary or bench.binary, "--port", str(self.port), "--threads", str(threads), "--db", db, "--log-level", "warn",
               "--no-default-fixtures", "--clock", clock, *extra]
        self.t0 = time.monotonic()
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(pinned(CPU_SERVER, cmd) if pin else cmd,
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        path = wait_path or "/_gls/health"
        deadline = self.t0 + 300
        while True:
            try:
                status, _ = http_get(self.port, path, timeout=60)
                if status == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                said = self.log.read().decode("utf-8", "replace").strip().splitlines()
                self.stop()
                raise RuntimeError(f"gls-local on {db} did not answer 200 on {path}: {said[-1] if said else ''}")
            time.sleep(0.0005)
        self.startup_ms = (time.monotonic() - self.t0) * 1000
        self.startup_cpu_s = cpu_seconds(self.proc.pid)  # steadier than wall time on a shared machine
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Bench:
    def __init__(self, args, build_dir=None):
        self.build = os.path.abspath(build_dir or args.build_dir)
        self.binary = os.path.join(self.build, "gls-local")
        # --baseline: another build's gls-local, started in turn with this one (startup only).
        self.baseline = os.path.join(os.path.abspath(args.baseline), "gls-local") if args.baseline else None
        self.quick = args.quick
        self.client_token = args.client_token
        self.work = args.keep or tempfile.mkdtemp(prefix="gls-run-all-")
        os.makedirs(self.work, exist_ok=True)
        self.keep = bool(args.keep)
        self.stores = {}
        # Builds older than the render cache read every Get from the store anyway.
        self.uncached = ["--no-render-cache"] if "--no-render-cache" in subprocess.run(
            [self.binary, "--help"], capture_output=True, text=True).stdout else []
        self.rounds, self.duration = (2, 3) if self.quick else (3, 5)
        self.large = 100_000 if self.quick else 1_000_000
        self.depth_store = 20_000 if self.quick else 100_000
        self.rows = []

    # ---- helpers -----------------------------------------------------------------------

    def store(self, name, sessions, running=0, spare=16):
        """A store written by store_gen, made once per run."""
        key = (sessions, running, spare)
        if key not in self.stores:
            path = os.path.join(self.work, f"{name}.db")
            out = subprocess.run([os.path.join(self.build, "bench", "store_gen"), "--db", path, "--sessions",
                                  str(sessions), "--running", str(running), "--spare", str(spare)],
                                 capture_output=True, text=True, check=True).stdout
            print("  " + out.strip(), flush=True)
            self.stores[key] = path
        return self.stores[key]

    def lua(self, name, text):
        path = os.path.join(self.work, name + ".lua")
        with open(path, "w") as f:
            f.write(text)
        return path

    def wrk(self, url, path="/", script=None, duration=None, connections=32):
        cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration or self.duration}s", "--latency"]
        if script:
            cmd += ["-s", script]
        out = subprocess.run(pinned(CPU_CLIENT, cmd + [url + path]), capture_output=True, text=True,
                             check=True).stdout
        return parse_wrk(out, url + path)

    def compare(self, runs):
        """runs: {label: (server, path, script)}; a 2 s warm-up each, then alternating rounds. Returns the
        median req/s of each, and in self.cpu_us the median server CPU per request (steadier than req/s
        on a shared machine)."""
        cpu = {k: [] for k in runs}

        def measure(label, server, path, script):
            c0 = cpu_seconds(server.proc.pid)
            r = self.wrk(server.url, path, script=script)
            cpu[label].append((cpu_seconds(server.proc.pid) - c0) / r["requests"] * 1e6)
            return r["rps"]

        for server, path, script in runs.values():
            self.wrk(server.url, path, script=script, duration=2)
        m = self.alternate({k: (lambda k=k, r=r: measure(k, *r)) for k, r in runs.items()})
        self.cpu_us = {k: statistics.median(v) for k, v in cpu.items()}
        return m

    def cpu_text(self, base, other):
        return f"; server CPU {self.cpu_us[base]:.0f} -> {self.cpu_us[other]:.0f} us/request"

    def alternate(self, runs):
        """runs: {label: callable() -> rps}; rounds alternating; medians."""
        got = {k: [] for k in runs}
        for _ in range(self.rounds):
            for k, f in runs.items():
                got[k].append(f())
        return {k: statistics.median(v) for k, v in got.items()}

    def row(self, what, now, target, met):
        self.rows.append((what, now, target, "met" if met else "NOT met"))
        print(f"  => {what}: {now}  (target {target}: {'met' if met else 'NOT met'})", flush=True)

    def random_ids_script(self, n):
        # The documented session and B000000000000 .. B{n-1}, as store_gen names them.
        return self.lua(f"random_ids_{n}", f"""
math.randomseed(42)
request = function()
  return wrk.format("GET", string.format("/streamgroups/{GROUP}/streamsessions/B%012d", math.random(0, {n - 1})))
end
""")

    # ---- the benchmarks ------------------------------------------------------------------

    def nginx(self):
        rounds, duration = (2, 3) if self.quick else (3, 10)
        out = subprocess.run([sys.executable, os.path.join(HERE, "http_bench.py"), "--binary", self.binary,
                              "--rounds", str(rounds), "--duration", str(duration)],
                             capture_output=True, text=True, check=True).stdout
        print(out, flush=True)
        ratio = float(re.search(r"throughput ratio gls-local/nginx: ([\d.]+)", out).group(1))
        p99 = float(re.search(r"gls-local p99: ([\d.]+) ms", out).group(1))
        self.row("GetStreamSession vs nginx serving the same bytes (bench/http_bench.py)",
                 f"{ratio:.2f}x (p99 {p99:.2f} ms)", ">= 0.9x, p99 <= 1.5 ms", ratio >= 0.9 and p99 <= 1.5)

    def get_random(self):
        small_n, large_n = 1_000, self.large
        small, large = self.store("s1k", small_n), self.store(f"s{large_n}", large_n)
        # Every read from the store: the 1k sessions would otherwise all be
        # answered from the render cache, which random IDs over 1M miss.
        with Server(self, small, extra=self.uncached) as a, Server(self, large, extra=self.uncached) as b:
            m = self.compare({"1k": (a, "/", self.random_ids_script(small_n)),
                              "large": (b, "/", self.random_ids_script(large_n))})
        ratio = m["large"] / m["1k"]
        self.row(f"GetStreamSession, random IDs, {large_n:,} stored sessions / 1k",
                 f"{ratio:.2f} ({m['1k'] / 1000:.1f}k -> {m['large'] / 1000:.1f}k req/s{self.cpu_text('1k', 'large')})",
                 ">= 0.9", ratio >= 0.9)

    def group_running(self):
        none, busy = self.store("g0", 0), self.store("g10k", 10_000, running=10_000)
        path = f"/streamgroups/{GROUP}"
        # Every read from the store: an unchanged group is otherwise answered from the render cache.
        with Server(self, none, extra=self.uncached) as a, Server(self, busy, extra=self.uncached) as b:
            m = self.compare({"none": (a, path, None), "10k": (b, path, None)})
        ratio = m["10k"] / m["none"]
        self.row("GetStreamGroup with 10k running sessions / with none",
                 f"{ratio:.2f} ({m['none'] / 1000:.1f}k -> {m['10k'] / 1000:.2f}k req/s{self.cpu_text('none', '10k')})",
                 ">= 0.9", ratio >= 0.9)

    def start_sustained(self):
        total = 20 if self.quick else 60
        db = self.store("start", 0, spare=10_000_000)
        body = f'{{"ApplicationIdentifier": "{APP}", "Protocol": "WebRTC", "SignalRequest": "v=0 offer"'
        # With --client-token, a new ClientToken with every start, as the SDKs send (32 to 128 printable characters).
        requests = f"""local n, salt = 0, string.format("%08x", os.time() % 0x7fffffff)
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{body}, "ClientToken": "token-' .. salt .. '-' .. string.format("%024d", n) .. '"}}')
end""" if self.client_token else f"wrk.body = '{body}}}'"
        script = self.lua("start", f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
{requests}
""")
        rates, cpu = [], []
        # The emulator's real clock: placements and activations fall due while it runs.
        with Server(self, db, clock="real") as s:
            for _ in range(total // 10):
                c0 = cpu_seconds(s.proc.pid)
                r = self.wrk(s.url, f"/streamgroups/{GROUP}/streamsessions", script=script, duration=10)
                rates.append(r["rps"])
                cpu.append((cpu_seconds(s.proc.pid) - c0) / max(r["requests"], 1) * 1e6)
                print(f"  StartStreamSession 10 s slice: {rates[-1]:,.0f}/s, server CPU {cpu[-1]:.0f} us/request",
                      flush=True)
        flat = rates[-1] / rates[0]
        self.row(f"StartStreamSession sustained, group with room for all ({total} s"
                 f"{', a ClientToken each' if self.client_token else ''})",
                 f"{rates[0]:,.0f}/s first 10 s, {rates[-1]:,.0f}/s last 10 s (x{flat:.2f}; median "
                 f"{statistics.median(rates):,.0f}/s, server CPU {statistics.median(cpu):.0f} us/request)",
                 ">= 10,000/s, flat over 60 s", min(rates) >= 10_000 and flat >= 0.9)

    def start_instructions(self):
        what = ("StartStreamSession under callgrind, instructions per start (manual clock, 8 clients, 1,000 starts "
                "after 200), without and with a ClientToken (SDKs send one)")
        if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
            self.rows.append((what, "skipped: valgrind is not installed (apt-get install valgrind)", "(to compare builds)",
                              ""))
            return
        median = {}
        for token in (False, True):
            figures = [start_instructions.measure(self.build, 1000, 200, client_token=token) for _ in range(3)]
            print("  " + ", ".join(f"{f:,.0f}" for f in figures) + " instructions per start" +
                  (" with a ClientToken" if token else ""), flush=True)
            median[token] = statistics.median(figures)
        # Figures to compare builds by, not judged: they do not move with the machine's load.
        self.rows.append((what, f"{median[False]:,.0f} / {median[True]:,.0f} (+{median[True] / median[False] - 1:.0%}; "
                          "medians of 3)", "(to compare builds)", ""))

    def walk(self, port, n, page, budget_s, path, collect=None):
        """Walks every page; returns (sessions seen, seconds, complete)."""
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        seen, token, t0 = 0, None, time.monotonic()
        while True:
            q = f"?MaxResults={page}" + (f"&NextToken={token}" if token else "")
            c.request("GET", path + q)
            r = c.getresponse()
            body = json.loads(r.read())
            if r.status != 200:
                raise RuntimeError(f"list answered {r.status}: {body}")
            seen += len(body.get("Items", []))
            token = body.get("NextToken")
            if collect is not None and token:
                collect.append(token)
            elapsed = time.monotonic() - t0
            if not token or elapsed > budget_s:
                c.close()
                return seen, elapsed, not token

    def list_depth(self):
        n = self.depth_store
        db = self.store(f"s{n}", n)
        path = f"/streamgroups/{GROUP}/streamsessions"
        tokens = []
        with Server(self, db) as s:
            seen, secs, complete = self.walk(s.port, n, 25, 90, path, tokens)
            print(f"  walked {seen:,} sessions in 25s in {secs:.1f} s ({'complete' if complete else 'stopped'})",
                  flush=True)
            token_file = os.path.join(self.work, "tokens.txt")
            with open(token_file, "w") as f:
                f.write("\n".join(tokens) + "\n")
            script = self.lua("pages", f"""
math.randomseed(7)
local tokens = {{}}
for line in io.lines("{token_file}") do tokens[#tokens + 1] = line end
request = function()
  return wrk.format("GET", "{path}?MaxResults=25&NextToken=" .. tokens[math.random(1, #tokens)])
end
""")
            # The first page through a script too, so that wrk does the same work for both.
            first = self.lua("first", f"""
request = function() return wrk.format("GET", "{path}?MaxResults=25") end
""")
            m = self.compare({"first": (s, "/", first), "deep": (s, "/", script)})
        ratio = m["deep"] / m["first"]
        self.row(f"ListStreamSessions, 25 a page, page at a random depth of {seen // 1000}k / first page",
                 f"{ratio:.2f} ({m['first']:,.0f} -> {m['deep']:,.0f} req/s{self.cpu_text('first', 'deep')})",
                 ">= 0.8", ratio >= 0.8)
        big = self.store(f"s{self.large}", self.large)
        with Server(self, big) as s:
            seen, secs, complete = self.walk(s.port, self.large, 100, 60, path)
        rate = seen / secs
        text = (f"{secs:.1f} s" if complete else f"stopped after {secs:.0f} s at {seen:,} sessions") + \
            f" ({rate:,.0f} sessions/s, 100 a page)"
        self.row(f"full walk of {self.large:,} sessions", text, "< 60 s", complete and secs < 60)

    def scheduler(self):
        out = subprocess.run([os.path.join(self.build, "bench", "scheduler_bench"), "--transitions", "100000",
                              "--rounds", "3", "--dir", self.work], capture_output=True, text=True, check=True).stdout
        print(out, flush=True)
        secs = float(re.search(r"in ([\d.]+) s \(", out.splitlines()[-1]).group(1))
        cpu = re.search(r"median CPU time: ([\d.]+) s", out)
        self.row("one clock advance applying 100,000 transitions (bench/scheduler_bench)",
                 f"{secs:.2f} s" + (f", {float(cpu.group(1)):.2f} s of CPU" if cpu else ""), "<= 1 s", secs <= 1.0)

    def fixtures(self):
        def fixture(n):
            path = os.path.join(self.work, f"fixture{n}.json")
            sessions = [{"Id": f"F{i:012d}", "StreamGroupId": GROUP, "ApplicationArn": APP, "Status": "CONNECTED",
                         "Protocol": "WebRTC", "Location": "us-west-2", "SignalRequest": "v=0 offer"}
                        for i in range(n)]
            with open(path, "w") as f:
                json.dump({"applications": [{"Id": APP, "Description": "game",
                                             "RuntimeEnvironment": {"Type": "PROTON", "Version": "20241007"},
                                             "ExecutablePath": "game.exe", "ApplicationSourceUri": "s3://b/game",
                                             "Status": "READY"}],
                           "streamGroups": [{"Id": GROUP, "Description": "group", "StreamClass": "gen4n_high",
                                             "DefaultApplication": {"Id": APP},
                                             "LocationStates": [{"LocationName": "us-west-2",
                                                                 "AlwaysOnCapacity": 2 * (n // 2 + 1), "Status": "ACTIVE"}],
                                             "Status": "ACTIVE"}],
                           "streamSessions": sessions}, f)
            return path

        cpu = {"0": [], "10k": []}

        def start(path, key):
            with Server(self, ":memory:", extra=["--fixtures", path]) as s:
                cpu[key].append(s.startup_cpu_s)
                return s.startup_ms

        empty, big = fixture(0), fixture(10_000)
        m = self.alternate({"0": lambda: start(empty, "0"), "10k": lambda: start(big, "10k")})
        load = (m["10k"] - m["0"]) / 1000
        load_cpu = statistics.median(cpu["10k"]) - statistics.median(cpu["0"])
        self.row("loading 10k running sessions from fixtures",
                 f"{load:.2f} s, {load_cpu:.2f} s of server CPU (start-up {m['0']:.0f} ms without them)", "<= 0.5 s",
                 load <= 0.5)

    def startup(self):
        sizes = [0, 10_000, 100_000] if self.quick else [0, 100_000, 1_000_000]
        binaries = {"": self.binary}
        if self.baseline:
            binaries["baseline"] = self.baseline
        starts, rsss = {k: [] for k in binaries}, {k: [] for k in binaries}
        doc = f"/streamgroups/{GROUP}/streamsessions/{DOC_SESSION}"
        for n in sizes:
            db = self.store(f"s{n}", n)
            times, rss = {k: [] for k in binaries}, {k: [] for k in binaries}
            for i in range(4 if not self.baseline else 8):  # the first start warms the page cache and is not counted
                for k, binary in binaries.items():  # in turn, so that both see the same load
                    with Server(self, db, wait_path=doc, binary=binary) as s:
                        if i:
                            times[k].append(s.startup_ms)
                            time.sleep(1)
                            rss[k].append(rss_mib(s.proc.pid))
            for k in binaries:
                starts[k].append(statistics.median(times[k]))
                rsss[k].append(statistics.median(rss[k]))
                if self.baseline:
                    print(f"  start-up {n} sessions{' (' + k + ')' if k else ''}: "
                          + " ".join(f"{t:.1f}" for t in times[k]) + " ms", flush=True)
        label = " / ".join(f"{n // 1000}k" if n else "empty" for n in sizes)
        figures = " / ".join(f"{t:.0f}" for t in starts[""]) + " ms, " + " / ".join(f"{r:.1f}" for r in rsss[""]) + " MiB"
        if self.baseline:
            figures += " (baseline: " + " / ".join(f"{t:.0f}" for t in starts["baseline"]) + " ms, " + \
                " / ".join(f"{r:.1f}" for r in rsss["baseline"]) + " MiB)"
        self.row(f"start-up to first 200 / idle RSS, {label} sessions", figures,
                 "<= 20 ms and <= 16 MiB at every size", max(starts[""]) <= 20 and max(rsss[""]) <= 16)

    def metrics(self):
        def scrape_ms(port, n=15):
            times = []
            for _ in range(n):
                t0 = time.monotonic()
                status, _ = http_get(port, "/_gls/metrics", timeout=120)
                times.append((time.monotonic() - t0) * 1000)
                assert status == 200
            return statistics.median(times)

        small, large = self.store("s1k", 1_000), self.store(f"s{self.large}", self.large)
        with Server(self, small) as a, Server(self, large) as b:
            ms_small, ms_large = scrape_ms(a.port), scrape_ms(b.port)
        self.row(f"/_gls/metrics at {self.large:,} sessions", f"{ms_large:.1f} ms (1k sessions: {ms_small:.1f} ms)",
                 "<= 5 ms", ms_large <= 5)

    def threads(self):
        db = self.store("s1k", 1_000)
        # A store is open in one gls-local at a time: the other takes a copy.
        db2 = os.path.join(self.work, "s1k-copy.db")
        for suffix in ("", "-wal"):
            if os.path.exists(db + suffix):
                shutil.copyfile(db + suffix, db2 + suffix)
        script = self.random_ids_script(1_000)
        got = {}
        # Pinned, both servers share CPU 0 (wrk has CPU 1): what a second I/O
        # thread costs the server itself (locks, wake-ups). Unpinned, --threads 2
        # may also run on wrk's core, and pays for sharing it: shown, not judged.
        for pin in (True, False):
            with Server(self, db, threads=1, pin=pin) as one, Server(self, db2, threads=2, pin=pin) as two:
                m = self.compare({1: (one, "/", script), 2: (two, "/", script)})
                got[pin] = (m, dict(self.cpu_us))
        (m_pin, cpu_pin), (m_free, cpu_free) = got[True], got[False]
        ratio = cpu_pin[2] / cpu_pin[1]
        self.row("--threads 2 vs 1, server CPU per Get",
                 f"pinned to one core: {cpu_pin[2]:.1f} vs {cpu_pin[1]:.1f} us (x{ratio:.2f}); unpinned: "
                 f"{cpu_free[2]:.1f} vs {cpu_free[1]:.1f} us (x{cpu_free[2] / cpu_free[1]:.2f} CPU, "
                 f"x{m_free[2] / m_free[1]:.2f} throughput)",
                 "CPU per request equal (<= x1.05) pinned", ratio <= 1.05)

    ALL = ["nginx", "get_random", "group_running", "start_sustained", "start_instructions", "list_depth", "scheduler",
           "fixtures", "startup", "metrics", "threads"]

    def run(self, only):
        for name in only:
            print(f"== {name}", flush=True)
            t0 = time.monotonic()
            try:
                getattr(self, name)()
            except Exception as e:  # one failing benchmark still leaves the others' figures
                self.rows.append((name, f"failed: {e}".splitlines()[0][:400], "", "NOT met"))
                print(f"  {name} failed: {e}", flush=True)
            print(f"  ({time.monotonic() - t0:.0f} s)", flush=True)

    def table(self):
        print()
        print(f"gls-local targets, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {'--quick' if self.quick else 'full'} "
              f"run on {os.cpu_count()} CPUs ({platform_line()})")
        print()
        print("| what | now | target | |")
        print("| --- | --- | --- | --- |")
        for what, now, target, met in self.rows:
            print(f"| {what} | {now} | {target} | {met} |")

    def close(self):
        if not self.keep:
            shutil.rmtree(self.work, ignore_errors=True)


def run_against(args, only):
    """Each benchmark for args.against's build and for this one in turn; returns the table's rows
    (what, other build's figure, this build's, target, this build's verdict)."""
    other, this = Bench(args, build_dir=args.against), Bench(args)
    rows = []
    try:
        for i, name in enumerate(only):
            got = {}
            for label, bench in ([("other", other), ("this", this)] if i % 2 == 0 else
                                 [("this", this), ("other", other)]):
                print(f"[{bench.build}]", flush=True)
                before = len(bench.rows)
                bench.run([name])
                got[label] = bench.rows[before:]
            for (what, figure_other, target, _), (_, figure_this, _, met) in zip(got["other"], got["this"]):
                rows.append((what, figure_other, figure_this, target, met))
    finally:
        other.close()
        this.close()
    return rows


def platform_line():
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        model = ""
    return f"{model}, load {os.getloadavg()[0]:.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build_dir", nargs="?", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--quick", action="store_true", help="smaller stores and shorter rounds")
    ap.add_argument("--only", help="comma-separated benchmarks: " + ",".join(Bench.ALL))
    ap.add_argument("--keep", help="write the stores into this directory and keep them")
    ap.add_argument("--baseline", metavar="BUILD_DIR",
                    help="startup: also start BUILD_DIR/gls-local, in turn with this build's, and show both")
    ap.add_argument("--against", metavar="BUILD_DIR",
                    help="every benchmark for BUILD_DIR's build and this one in turn; a table of both")
    ap.add_argument("--client-token", action="store_true",
                    help="start_sustained: every start carries a new ClientToken, as the AWS SDKs send")
    args = ap.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed")
    only = args.only.split(",") if args.only else Bench.ALL
    unknown = [n for n in only if n not in Bench.ALL]
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(Bench.ALL)}")
    bench = Bench(args)
    for build in [args.build_dir] + ([args.against] if args.against else []):
        if not os.path.exists(os.path.join(build, "gls-local")):
            sys.exit(f"{build}/gls-local does not exist: build first (cmake --build {build})")
    t0 = time.monotonic()
    if args.against:
        bench.close()
        rows = run_against(args, only)
        print(f"\ngls-local targets, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
              f"{'--quick' if args.quick else 'full'} run on {os.cpu_count()} CPUs ({platform_line()}), "
              f"each benchmark for both builds in turn\n")
        print(f"| what | {os.path.abspath(args.against)} | {os.path.abspath(args.build_dir)} | target | |")
        print("| --- | --- | --- | --- | --- |")
        for what, figure_other, figure_this, target, met in rows:
            print(f"| {what} | {figure_other} | {figure_this} | {target} | {met} |")
        print(f"\n(run-all took {time.monotonic() - t0:.0f} s; the machine was shared with other work)")
        return
    try:
        bench.run(only)
    finally:
        bench.close()
    bench.table()
    print(f"\n(run-all took {time.monotonic() - t0:.0f} s; the machine was shared with other work)")


if __name__ == "__main__":
    main()
