#!/usr/bin/env python3
"""Stands in for gls-local (as GLS_BINARY) while the integration tests run,
and records what their clients send: it starts the real binary
(GLS_REAL_BINARY) on a free port, puts a recording proxy on another and
announces the proxy's address in the start-up line the tests read. Each
connection's client-to-server bytes go to GLS_CAPTURE_DIR/<pid>-<n>.raw.

Used by make_corpus.py to build the fuzzers' seed corpora from the tests'
real requests; signals reach the real binary, and its exit code is this
script's."""
import os
import re
import signal
import socket
import subprocess
import sys
import threading

real = os.environ["GLS_REAL_BINARY"]
capture_dir = os.environ["GLS_CAPTURE_DIR"]

args = list(sys.argv[1:])
if "--port" in args:
    args[args.index("--port") + 1] = "0"
child = subprocess.Popen([real] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
for sig in (signal.SIGTERM, signal.SIGINT):
    signal.signal(sig, lambda signo, _: child.send_signal(signo))

counter = [0]
lock = threading.Lock()


def pump(src, dst, record=None):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if record is not None:
                record.write(data)
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(listener, port):
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", port))
        except OSError:
            client.close()
            continue
        with lock:
            counter[0] += 1
            name = os.path.join(capture_dir, f"{os.getpid()}-{counter[0]}.raw")
        record = open(name, "wb", buffering=0)
        a = threading.Thread(target=pump, args=(client, upstream, record), daemon=True)
        b = threading.Thread(target=pump, args=(upstream, client), daemon=True)
        a.start()
        b.start()


for line in child.stdout:
    m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
    if m:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        threading.Thread(target=serve, args=(listener, int(m.group(1))), daemon=True).start()
        line = line.replace(f"127.0.0.1:{m.group(1)}", f"127.0.0.1:{listener.getsockname()[1]}")
    sys.stdout.write(line)
    sys.stdout.flush()
sys.exit(child.wait())
