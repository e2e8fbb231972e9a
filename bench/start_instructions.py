#!/usr/bin/env python3
"""Instructions per StartStreamSession, counted by callgrind: a figure that
does not move with the load of a shared machine.

Usage: bench/start_instructions.py [BUILD_DIR] [--starts N] [--warm-up W] [--runs R] [--clients C]
                                  [--client-token]

Writes a store with BUILD_DIR/bench/store_gen (the default fixtures' group
with room for every start), runs BUILD_DIR/gls-local on it under
`valgrind --tool=callgrind` (one I/O thread, manual clock: nothing falls due
while it runs), sends W starts (default 200) from C client threads (default
8; starts that arrive together share a batched commit) to warm it up
(statements prepared, caches filled), has callgrind dump its counts, sends N
more starts the same way and dumps again. The second dump holds only what
the N starts cost (default 1000), start-up and warm-up excluded: its
instructions divided by N are printed, one line per run, then the median of
the runs. With --client-token every start carries a new ClientToken, as
the AWS SDKs send one (the emulator then remembers each). How many starts
share a commit, and when the WAL is checkpointed, depend on timing: runs
differ by a few percent (--clients 1 is steadier).
Everything it writes (store, callgrind files, valgrind's FIFOs) stays in a
temporary directory ($TMPDIR), removed at the end. Python 3 standard library
only; needs valgrind.
"""
import argparse
import glob
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
GROUP = "sg-1AB2C3De4"
APP = "a-9ZY8X7Wv6"
START = {"ApplicationIdentifier": APP, "Protocol": "WebRTC", "SignalRequest": "v=0 offer"}
BODY = json.dumps(START)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect(port):
    return http.client.HTTPConnection("127.0.0.1", port, timeout=600)


def wait_healthy(port, proc, deadline_s=300):
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            c = connect(port)
            c.request("GET", "/_gls/health")
            r = c.getresponse()
            r.read()
            c.close()
            if r.status == 200:
                return
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"gls-local exited with {proc.returncode} before it answered")
        if time.monotonic() > deadline:
            raise RuntimeError("gls-local did not answer /_gls/health in time")
        time.sleep(0.2)


def start_body(client_token):
    """A start's request body; with `client_token`, one with a new ClientToken, as the SDKs send."""
    if not client_token:
        return BODY
    return json.dumps({**START, "ClientToken": str(uuid.uuid4())})


def send_starts(port, total, clients, client_token=False):
    """`total` starts, shared among `clients` keep-alive connections, each on a thread of its own."""
    errors = []

    def client(count):
        try:
            c = connect(port)
            for _ in range(count):
                c.request("POST", f"/streamgroups/{GROUP}/streamsessions", start_body(client_token),
                          {"Content-Type": "application/json"})
                r = c.getresponse()
                body = r.read()
                if not 200 <= r.status < 300:
                    raise RuntimeError(f"StartStreamSession answered {r.status}: {body[:200]!r}")
            c.close()
        except Exception as e:  # reported by the caller
            errors.append(e)

    share, extra = divmod(total, clients)
    threads = [threading.Thread(target=client, args=(share + (i < extra),)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def dump(work, pid, name):
    """Has callgrind write (and reset) its counts so far, marked `name`."""
    subprocess.run(["callgrind_control", f"--vgdb-prefix={work}/vgdb", "-d", name, str(pid)], check=True,
                   capture_output=True, timeout=300)


def dumped_instructions(work, name):
    total, found = 0, False
    for path in glob.glob(os.path.join(work, "callgrind.out.*")):
        with open(path, errors="replace") as f:
            text = f.read()
        # The dump callgrind_control asked for says so: "desc: Trigger: dump NAME".
        if not re.search(rf"^desc: Trigger: .*\b{name}$", text[:4000], re.M):
            continue
        m = re.search(r"^(?:summary|totals):\s+(\d+)", text, re.M)
        if m:
            total += int(m.group(1))
            found = True
    if not found:
        raise RuntimeError(f"callgrind wrote no dump named {name} in {work}")
    return total


def stop(proc):
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def measure(build, starts, warm_up, clients=8, client_token=False):
    """Instructions per start of one run (see the module's description)."""
    work = tempfile.mkdtemp(prefix="gls-start-instructions-")
    proc = None
    try:
        db = os.path.join(work, "start.db")
        subprocess.run([os.path.join(build, "bench", "store_gen"), "--db", db, "--sessions", "0", "--running", "0",
                        "--spare", "10000000"], check=True, capture_output=True)
        port = free_port()
        cmd = ["valgrind", "--tool=callgrind", "--dump-instr=no", f"--vgdb-prefix={work}/vgdb",
               f"--callgrind-out-file={work}/callgrind.out.%p",
               os.path.join(build, "gls-local"), "--port", str(port), "--threads", "1", "--db", db,
               "--log-level", "warn", "--no-default-fixtures", "--clock", "manual"]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=work)
        wait_healthy(port, proc)
        send_starts(port, warm_up, clients, client_token)
        dump(work, proc.pid, "warm")
        send_starts(port, starts, clients, client_token)
        dump(work, proc.pid, "measured")
        return dumped_instructions(work, "measured") / starts
    finally:
        if proc is not None:
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build_dir", nargs="?", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--starts", type=int, default=1000, help="starts measured (default 1000)")
    ap.add_argument("--warm-up", type=int, default=200, help="starts sent before measuring (default 200)")
    ap.add_argument("--runs", type=int, default=1, help="runs; the median is printed last (default 1)")
    ap.add_argument("--clients", type=int, default=8,
                    help="client threads (default 8); with 1, every start commits alone")
    ap.add_argument("--client-token", action="store_true",
                    help="every start carries a new ClientToken, as the AWS SDKs send")
    args = ap.parse_args()
    if args.starts < 1 or args.warm_up < 0 or args.runs < 1 or args.clients < 1:
        sys.exit("--starts, --runs and --clients must be positive, --warm-up not negative")
    for tool in ("valgrind", "callgrind_control"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed")
    build = os.path.abspath(args.build_dir)
    if not os.path.exists(os.path.join(build, "gls-local")):
        sys.exit(f"{build}/gls-local does not exist: build first")
    figures = []
    for run in range(args.runs):
        t0 = time.monotonic()
        figures.append(measure(build, args.starts, args.warm_up, args.clients, args.client_token))
        print(f"run {run + 1}: {figures[-1]:,.0f} instructions per start ({args.starts} starts after "
              f"{args.warm_up}, {args.clients} clients{', ClientTokens' if args.client_token else ''}; "
              f"{time.monotonic() - t0:.0f} s)", flush=True)
    print(f"{statistics.median(figures):,.0f} instructions per StartStreamSession (median of {len(figures)})")


if __name__ == "__main__":
    main()
