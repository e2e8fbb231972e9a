#!/usr/bin/env python3
"""GetStreamSession throughput and latency: gls-local against nginx serving the same bytes.

In one run, on this machine:
  1. start gls-local (one I/O thread, default fixtures on a SQLite file) and
     time how long it takes from exec to the first 200 for GetStreamSession;
  2. fetch that response and have nginx (its own config and prefix, one worker,
     loopback port) serve exactly the same body and headers;
  3. drive each with wrk over 32 keep-alive connections, alternating servers,
     for several rounds; both servers share CPU 0, wrk runs on CPU 1;
  4. print medians of throughput, p50 and p99, the ratio, and gls-local's RSS.

Both servers log nothing per request (gls-local --log-level warn, nginx
access_log off), so that the comparison is of serving, not of logging.
With --baseline OTHER_BINARY, a second gls-local (e.g. a build of the
branch point) runs beside the first on its own SQLite file and takes its
turn in every round, so that both are measured against the same nginx in
the same run; each gls-local's server CPU per request is printed too.
With --threads-compare, instead: gls-local with --threads 1 and with
--threads 2 (each on its own SQLite file, not pinned, so the second may use
both cores; wrk stays on CPU 1), alternating rounds; prints the medians of
throughput and of server CPU per request, and their ratios. Reads run on
per-thread read-only connections, so two I/O threads should cost the same
CPU per request as one. With --pinned too, both servers run on CPU 0: what
the second thread costs the server itself, without sharing wrk's core.
Usage: bench/http_bench.py [--binary build/gls-local] [--baseline BINARY] [--rounds 5] [--duration 10]
                           [--threads-compare [--pinned]]
"""
import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

PATH = "/streamgroups/sg-1AB2C3De4/streamsessions/ABC123def4567"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pinned(cpu, cmd):
    return (["taskset", "-c", str(cpu)] if shutil.which("taskset") and os.cpu_count() > 1 else []) + cmd


def wait_200(url, deadline):
    """Polls until `url` answers 200; returns (body, headers)."""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return r.read(), dict(r.headers)
        except OSError:
            time.sleep(0.001)
    raise RuntimeError(f"{url} did not answer 200 in time")


def start_gls(binary, workdir, threads=1, pin=True):
    port = free_port()
    db = os.path.join(workdir, "bench.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    t0 = time.monotonic()
    cmd = [binary, "--port", str(port), "--threads", str(threads), "--db", db, "--log-level", "warn"]
    proc = subprocess.Popen(pinned(0, cmd) if pin else cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    body, all_headers = wait_200(url + PATH, t0 + 30)
    startup_ms = (time.monotonic() - t0) * 1000
    headers = {k: v for k, v in all_headers.items() if k.lower() in ("content-type", "x-amzn-requestid")}
    return proc, url, startup_ms, body, headers


def start_nginx(workdir, body, headers):
    port = free_port()
    root = os.path.join(workdir, "nginx")
    os.makedirs(os.path.join(root, "logs"), exist_ok=True)
    # nginx started as root serves as an unprivileged worker user: let it read.
    for d in (workdir, root):
        os.chmod(d, 0o755)
    with open(os.path.join(root, "session.json"), "wb") as f:
        f.write(body)
    extra = "".join(f'    add_header {k} "{v}";\n' for k, v in headers.items() if k.lower() != "content-type")
    conf = os.path.join(root, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  client_body_temp_path {root}/tmp;
  proxy_temp_path {root}/tmp;
  fastcgi_temp_path {root}/tmp;
  uwsgi_temp_path {root}/tmp;
  scgi_temp_path {root}/tmp;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      root {root};
      default_type application/json;
      try_files /session.json =404;
{extra}    }}
  }}
}}
""")
    proc = subprocess.Popen(pinned(0, ["nginx", "-p", root, "-c", conf]),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_200(url + PATH, time.monotonic() + 10)
    return proc, url


def parse_wrk(out, url):
    """wrk --latency's report: requests/s, requests, p50 and p99 in ms; refuses error answers."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    lat = {}
    for pct, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        lat[pct] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{out}")
    return {"rps": rps, "requests": requests, "p50": lat.get("50"), "p99": lat.get("99")}


def wrk(url, duration, connections, requests=None):
    out = subprocess.run(pinned(1, ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url + PATH]),
                         capture_output=True, text=True, check=True).stdout
    r = parse_wrk(out, url)
    if requests is not None:
        requests.append(r["requests"])
    return r["rps"], r["p50"], r["p99"]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def threads_compare(args):
    """GetStreamSession with --threads 1 and 2: throughput and server CPU per request."""
    got = {1: [], 2: []}
    with tempfile.TemporaryDirectory(prefix="gls-bench-") as workdir:
        servers = {}
        try:
            for t in got:
                os.makedirs(os.path.join(workdir, f"t{t}"))
                servers[t] = start_gls(args.binary, os.path.join(workdir, f"t{t}"), threads=t, pin=args.pinned)
            for t, (_, url, *_) in servers.items():
                wrk(url, 2, args.connections)  # warm-up
            for r in range(args.rounds):
                for t, (proc, url, *_) in servers.items():
                    c0, n = cpu_seconds(proc.pid), []
                    rps, p50, p99 = wrk(url, args.duration, args.connections, n)
                    cpu_us = (cpu_seconds(proc.pid) - c0) / n[0] * 1e6
                    got[t].append((rps, cpu_us, p99))
                    print(f"round {r + 1} --threads {t} {rps:10.0f} req/s  {cpu_us:5.1f} us CPU/request  "
                          f"p99 {p99:.3f} ms", flush=True)
        finally:
            for proc, *_ in servers.values():
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=20)
    med = {t: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v)) for t, v in got.items()}
    print()
    print(f"GetStreamSession, {args.connections} keep-alive connections, {args.rounds} rounds of {args.duration} s, "
          f"medians{', both servers on CPU 0' if args.pinned else ''}")
    for t, (rps, cpu) in med.items():
        print(f"  --threads {t}: {rps:10.0f} req/s  {cpu:5.1f} us server CPU/request")
    print(f"  --threads 2 / 1: x{med[2][0] / med[1][0]:.2f} throughput, x{med[2][1] / med[1][1]:.2f} CPU per request")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", "build", "gls-local"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--threads-compare", action="store_true", help="gls-local --threads 2 against --threads 1")
    ap.add_argument("--pinned", action="store_true", help="--threads-compare with both servers on CPU 0")
    ap.add_argument("--baseline", help="another gls-local binary measured in the same rounds")
    args = ap.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed (scripts/setup.sh installs it)")
    if args.threads_compare:
        return threads_compare(args)

    with tempfile.TemporaryDirectory(prefix="gls-bench-") as workdir:
        startups = []
        for _ in range(3):  # start-up time, median of three cold starts
            proc, url, startup_ms, body, headers = start_gls(args.binary, workdir)
            startups.append(startup_ms)
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
        gls, gls_url, _, body, headers = start_gls(args.binary, workdir)
        servers = {"gls-local": (gls, gls_url)}
        nginx = None
        try:
            if args.baseline:
                os.makedirs(os.path.join(workdir, "baseline"))
                base, base_url, _, base_body, _ = start_gls(args.baseline, os.path.join(workdir, "baseline"))
                servers["baseline"] = (base, base_url)
                if base_body != body:
                    print("note: the baseline's body differs from gls-local's", flush=True)
            nginx, nginx_url = start_nginx(workdir, body, headers)
            urls = {name: url for name, (_, url) in servers.items()}
            urls["nginx"] = nginx_url
            results = {name: [] for name in urls}
            cpu = {name: [] for name in servers}
            for url in urls.values():
                wrk(url, 2, args.connections)  # warm-up
            for r in range(args.rounds):
                for name, url in urls.items():
                    proc = servers[name][0] if name in servers else None
                    c0, n = (cpu_seconds(proc.pid) if proc else 0), []
                    results[name].append(wrk(url, args.duration, args.connections, n))
                    rps, p50, p99 = results[name][-1]
                    line = f"round {r + 1} {name:9s} {rps:10.0f} req/s  p50 {p50:.3f} ms  p99 {p99:.3f} ms"
                    if proc:
                        cpu[name].append((cpu_seconds(proc.pid) - c0) / n[0] * 1e6)
                        line += f"  {cpu[name][-1]:5.1f} us CPU/request"
                    print(line, flush=True)
            rss, hwm = rss_kib(gls.pid)
        finally:
            for proc, _ in servers.values():
                proc.send_signal(signal.SIGTERM)
            if nginx:
                nginx.send_signal(signal.SIGQUIT)
                nginx.wait(timeout=20)
            for proc, _ in servers.values():
                proc.wait(timeout=20)

    def med(name, i):
        return statistics.median(x[i] for x in results[name])

    g_rps, n_rps = med("gls-local", 0), med("nginx", 0)
    print()
    print(f"GetStreamSession, {args.connections} keep-alive connections, {args.rounds} rounds of {args.duration} s, "
          f"medians ({len(body)} byte body)")
    print(f"  {'':10s} {'req/s':>10s} {'p50 ms':>8s} {'p99 ms':>8s} {'CPU us/req':>10s}")
    for name in results:
        cpu_text = f"{statistics.median(cpu[name]):10.1f}" if name in cpu else ""
        print(f"  {name:10s} {med(name, 0):10.0f} {med(name, 1):8.3f} {med(name, 2):8.3f} {cpu_text}")
    if args.baseline:
        print(f"  throughput ratio baseline/nginx: {med('baseline', 0) / n_rps:.2f}")
    print(f"  throughput ratio gls-local/nginx: {g_rps / n_rps:.2f}  (target >= 0.90)")
    print(f"  gls-local p99: {med('gls-local', 2):.3f} ms  (target <= 1.5 ms)")
    print(f"  gls-local RSS after the load: {rss / 1024:.1f} MiB (peak {hwm / 1024:.1f} MiB)")
    print(f"  gls-local start-up to first 200: {statistics.median(startups):.1f} ms (median of 3)")


if __name__ == "__main__":
    main()
