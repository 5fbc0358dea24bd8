#!/usr/bin/env python3
"""Lists (and with --kill, SIGKILLs) the processes whose environment holds KAPSEL_BENCH_TAG=<tag>:
what a benchmark run started, however deep in its tree and even if reparented to init after
the scanner was killed. Prints how many there were."""
import os
import signal
import sys

tag = f"KAPSEL_BENCH_TAG={sys.argv[1]}".encode()
kill = "--kill" in sys.argv[2:]
found = 0
for pid in os.listdir("/proc"):
    if not pid.isdigit() or int(pid) == os.getpid():
        continue
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            if tag not in f.read().split(b"\0"):
                continue
    except OSError:
        continue
    found += 1
    if kill:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass
print(found)
