#!/usr/bin/env python3
"""Prints the bench/cmps table (Markdown) from rows.jsonl: per fixture and tool, then totals."""
import json, sys
from collections import defaultdict

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
tools = sorted({r["tool"] for r in rows}, key=lambda t: (t != "kapsel", t))
by = {(r["fixture"], r["tool"]): r for r in rows}
kind_of = {r["fixture"]: r["kind"] for r in rows}
group = lambda k: "library" if k == "library" else "no-banner" if k == "no-banner" else "dark"
fixtures = sorted(kind_of, key=lambda f: ({"library": 0, "dark": 1}.get(group(kind_of[f]), 2), f))
mark = lambda b: "yes" if b else "no"
head = "| fixture | " + " | ".join(f"{t}: banner / accept / reject / pattern / s" for t in tools) + " |"
print(head)
print("|---|" + "---|" * len(tools))
for f in fixtures:
    cells = []
    for t in tools:
        r = by.get((f, t))
        cells.append("–" if r is None else f"{mark(r['banner'])} / {mark(r['accept'])} / {mark(r['reject'])} / {'–' if r.get('pattern') is None else mark(r['pattern'])} / {r['seconds']:.1f}" + (" (error)" if r.get("error") else ""))
    print(f"| {f} | " + " | ".join(cells) + " |")
for kind in ("library", "dark", "no-banner"):
    for t in tools:
        rs = [r for r in rows if r["tool"] == t and group(r["kind"]) == kind]
        if not rs:
            continue
        n = len(rs)
        s = sum(r["seconds"] for r in rs)
        print(f"\n{t}, {kind} fixtures ({n}): banner {sum(r['banner'] for r in rs)}/{n}, accept right {sum(r['accept'] for r in rs)}/{n}, reject right {sum(r['reject'] for r in rs)}/{n}, both right {sum(r['accept'] and r['reject'] for r in rs)}/{n}, " + (f"pattern flagged {sum(bool(r.get('pattern')) for r in rs)}/{n}, " if kind == "dark" else "") + f"{s:.1f} s in all", end="")
print()
