#!/usr/bin/env python3
"""Scores one scanner's run on one fixture. Usage: score.py TOOL FIXTURE KIND DIR SECONDS

KIND is `library`, `no-banner`, or the Kapsel finding kind a dark-pattern fixture should raise
(`pattern`: Kapsel reports that finding; the peer reports one of its issue types of that meaning).

TOOL is `kapsel` (DIR holds kapsel.json) or `gdpr-cookie-scanner` (DIR holds its JSON report).
Prints one JSON line: banner found, accept right, reject right, seconds.

"Right" means what a compliance scan needs: after accept the stand-in analytics cookie `_ga` is
there, after reject it is not AND the tool says it pressed a reject button (a tool that never
pressed anything must not score a reject for the library's own default). Fixtures without a
banner (no-banner, dark-no-banner) count as found when the tool says there is none.
"""
import json, sys, pathlib

tool, fixture, kind, out_dir, seconds = sys.argv[1:6]
out = pathlib.Path(out_dir)
no_banner = kind in ("no-banner", "no-banner-with-cookies")
dark = kind not in ("library", "no-banner")
PEER_KINDS = {"no-reject-first-layer": {"no-reject-button"}, "reject-less-prominent": {"asymmetric-prominence", "buried-reject", "click-asymmetry", "nudging"},
              "pre-ticked-categories": {"pre-ticked"}, "no-banner-with-cookies": {"auto-consent"}}
row = {"tool": tool, "fixture": fixture, "kind": kind, "seconds": float(seconds),
       "banner": False, "accept": False, "reject": False, "pattern": None, "error": None}

def load(p):
    try:
        return json.loads(p.read_text())
    except Exception as e:  # a crashed run scores nothing
        row["error"] = f"{p.name}: {e}"
        return None

if tool == "kapsel":
    r = load(out / "kapsel.json")
    if r:
        phases = {p["phase"]: p for p in r.get("phases", [])}
        def in_phase(name, phase):
            return any(c["name"] == name and phase in c.get("phases", []) for c in r.get("cookies", []))
        acc, rej = phases.get("accept", {}), phases.get("reject", {})
        found = bool(acc.get("banner_found") or rej.get("banner_found"))
        row["banner"] = found if not no_banner else not found
        row["accept"] = bool(acc.get("clicked")) and in_phase("_ga", "accept")
        row["reject"] = bool(rej.get("clicked")) and not in_phase("_ga", "reject")
        if dark:
            row["pattern"] = any(f.get("kind") == kind for f in r.get("findings", []))
else:
    # The peer writes <dir>/<host>/gdpr-report-<host>-<date>.json: modal.detected, modal.buttons
    # (type accept/reject), cookiesAfterAccept / cookiesAfterReject (each with a name).
    files = sorted(out.glob("**/gdpr-report-*.json"))
    r = load(files[0]) if files else None
    if r is None and row["error"] is None:
        row["error"] = "no JSON report"
    if r:
        modal = r.get("modal") or {}
        detected = bool(modal.get("detected"))
        types = {b.get("type") for b in modal.get("buttons") or []}
        names = lambda key: {c.get("name") for c in r.get(key) or []}
        row["banner"] = detected if not no_banner else not detected
        row["accept"] = detected and "accept" in types and "_ga" in names("cookiesAfterAccept")
        row["reject"] = detected and "reject" in types and "_ga" not in names("cookiesAfterReject")
        if dark:
            issues = {i.get("type") for i in (r.get("compliance") or {}).get("issues") or []}
            row["pattern"] = bool(issues & PEER_KINDS.get(kind, set()))
print(json.dumps(row))
