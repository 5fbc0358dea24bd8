#!/usr/bin/env python3
"""Runs a command and prints, to stderr as `PEAK_PSS_MB=<n>` and `WALL_S=<s>`, the peak of the
summed proportional set size (PSS) of its whole process tree (Chromium's many processes
included, shared pages counted once), sampled every 100 ms, and the wall time."""
import os
import subprocess
import sys
import time


def children_map():
    kids = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(pid))
    return kids


def tree_pss_kb(root):
    kids = children_map()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(kids.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


start = time.time()
proc = subprocess.Popen(sys.argv[1:])
peak = 0
while proc.poll() is None:
    peak = max(peak, tree_pss_kb(proc.pid))
    time.sleep(0.1)
wall = time.time() - start
print(f"PEAK_PSS_MB={peak / 1024:.0f}", file=sys.stderr)
print(f"WALL_S={wall:.1f}", file=sys.stderr)
sys.exit(proc.returncode)
