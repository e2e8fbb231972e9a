#!/usr/bin/env python3
"""Finds the processes a test run left behind, and ends them.

scripts/test.sh exports GLS_TEST_RUN_ID before the tests run, so every
process they start (ctest, python, node, gls-local, anything those start)
carries it in its environment. Once the tests are over, none should remain.

Usage: scripts/leftover-processes.py RUN_ID [--grace SECONDS]

Lists every process of this user whose environment holds GLS_TEST_RUN_ID=RUN_ID,
other than this one and its ancestors (the script that runs it carries the id
too). A process still there after the grace period (default 3 s: one being
killed as its test runner ended may take a moment) is printed with its pid
and command line, and killed (SIGKILL). Exit status: 0 when none is left,
1 when some were, 2 on a usage error.
"""
import argparse
import os
import signal
import sys
import time

VARIABLE = b"GLS_TEST_RUN_ID"


def ancestors():
    """This process and every process above it."""
    pids, pid = set(), os.getpid()
    while pid > 0 and pid not in pids:
        pids.add(pid)
        try:
            with open(f"/proc/{pid}/stat") as f:
                # The command name may hold spaces and parentheses: the fields start after its last ')'.
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            break
    return pids


def carrying(run_id):
    """The pids whose environment holds GLS_TEST_RUN_ID=run_id (zombies have none)."""
    wanted = VARIABLE + b"=" + run_id.encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as f:
                if wanted in f.read().split(b"\0"):
                    found.append(int(name))
        except OSError:  # gone meanwhile, or another user's
            continue
    return found


def command_line(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return "?"


def leftovers(run_id):
    mine = ancestors()
    return [pid for pid in carrying(run_id) if pid not in mine]


def main(argv):
    parser = argparse.ArgumentParser(description="Finds and kills the processes a test run left behind.")
    parser.add_argument("run_id", help="the GLS_TEST_RUN_ID of the run")
    parser.add_argument("--grace", type=float, default=3.0, help="seconds to wait for them to end by themselves")
    args = parser.parse_args(argv)
    if not args.run_id:
        parser.error("the run id must not be empty")

    deadline = time.monotonic() + args.grace
    left = leftovers(args.run_id)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = leftovers(args.run_id)
    if not left:
        return 0

    print(f"{len(left)} process(es) outlived the test run {args.run_id}:", file=sys.stderr)
    for pid in left:
        print(f"  {pid}  {command_line(pid)}", file=sys.stderr)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
