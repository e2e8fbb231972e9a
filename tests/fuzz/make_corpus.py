#!/usr/bin/env python3
"""Builds the fuzzers' seed corpora (tests/fuzz/corpus/<target>/) from the
integration tests' real requests: runs the boto3, AWS CLI and raw-HTTP
suites with capture_requests.py standing in for gls-local, then writes
  fuzz_http          each recorded request's bytes, and the first three
                     requests of each connection together (keep-alive, pipelining)
  fuzz_api_codec     each AWS API request as "METHOD TARGET\\n" + body
  fuzz_state_loader  each PUT /_gls/state body, and fixtures/default.json
  fuzz_admin_bodies  each admin POST body, after the byte naming its route
Run it after changing what the tests send, then minimise with
scripts/fuzz.sh --merge. Usage: make_corpus.py BUILD_DIR"""
import hashlib
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SUITES = ["test_protocol", "test_lifecycle", "test_resources", "test_stream_urls", "test_tags", "test_admin",
          "test_chaos", "test_bad_input", "test_resource_state", "test_access"]
# The routes of fuzz_admin_bodies.cpp, in its order.
ADMIN_ROUTES = [r"/_gls/faults$", r"/_gls/clock$", r"/_gls/reset$", r"/_gls/sessions/[^/]+/[^/]+/events$",
                r"/_gls/sessions/[^/]+/[^/]+/status$", r"/_gls/sessions/[^/]+/[^/]+/timings$",
                r"/_gls/applications/[^/]+/status$", r"/_gls/applications/[^/]+/timings$",
                r"/_gls/streamgroups/[^/]+/status$", r"/_gls/streamgroups/[^/]+/timings$",
                r"/_gls/streamgroups/[^/]+/locations/[^/]+/status$"]


def split_requests(stream):
    """(method, target, headers, body, raw bytes) of each well-formed request in a connection's bytes."""
    out = []
    while stream:
        whole = stream
        end = stream.find(b"\r\n\r\n")
        if end < 0:
            break
        head = stream[:end].decode("latin-1")
        lines = head.split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            break
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        rest = stream[end + 4:]
        if "content-length" in headers:
            try:
                n = int(headers["content-length"])
            except ValueError:
                break
            body, stream = rest[:n], rest[n:]
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            break
        else:
            body, stream = b"", rest
        out.append((parts[0], parts[1], headers, body, whole[:len(whole) - len(stream)]))
    return out


def write(target, data):
    if len(data) > 65536:
        return  # the limit tests' megabytes teach a fuzzer nothing the refusals of small inputs do not
    d = HERE / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main():
    build = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build").resolve()
    capture = pathlib.Path(tempfile.mkdtemp(prefix="gls-capture-"))
    env = dict(os.environ, GLS_BINARY=str(HERE / "capture_requests.py"), GLS_REAL_BINARY=str(build / "gls-local"),
               GLS_CAPTURE_DIR=str(capture))
    for suite in SUITES:
        r = subprocess.run([sys.executable, "-m", "unittest", suite], cwd=ROOT / "tests" / "integration", env=env,
                           capture_output=True, text=True)
        print(f"{suite}: {'ok' if r.returncode == 0 else 'failed (its requests are kept anyway)'}")
    for target in ("fuzz_http", "fuzz_api_codec", "fuzz_state_loader", "fuzz_admin_bodies"):
        shutil.rmtree(HERE / "corpus" / target, ignore_errors=True)
    write("fuzz_state_loader", (ROOT / "fixtures" / "default.json").read_bytes())
    for f in sorted(capture.iterdir()):
        stream = f.read_bytes()
        if not stream:
            continue
        requests = split_requests(stream)
        if not requests:
            write("fuzz_http", stream[:65536])  # not HTTP at all: the malformed-input tests' bytes
        write("fuzz_http", b"".join(r[4] for r in requests[:3]))
        for method, target, headers, body, raw in requests:
            write("fuzz_http", raw[:65536])
            path = target.split("?")[0]
            if not path.startswith("/_gls"):
                write("fuzz_api_codec", f"{method} {target}\n".encode("latin-1") + body)
            elif method == "PUT" and path == "/_gls/state" and body:
                write("fuzz_state_loader", body)
            elif method == "POST" and body:
                for i, pattern in enumerate(ADMIN_ROUTES):
                    if re.match(pattern, path):
                        write("fuzz_admin_bodies", bytes([i]) + body)
    shutil.rmtree(capture)
    for target in sorted((HERE / "corpus").iterdir()):
        print(f"{target.name}: {len(list(target.iterdir()))} seeds")


if __name__ == "__main__":
    main()
