#!/usr/bin/env python3
"""Scores one scanner's run on one fixture. Usage: score.py TOOL FIXTURE KIND DIR SECONDS

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
no_banner = kind == "no-banner" or fixture.endswith("no-banner")
row = {"tool": tool, "fixture": fixture, "kind": kind, "seconds": float(seconds),
       "banner": False, "accept": False, "reject": False, "error": None}

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
else:
    files = sorted(out.glob("**/*.json"))
    r = load(files[0]) if files else None
    if r is None and row["error"] is None:
        row["error"] = "no JSON report"
    if r:
        text = json.dumps(r).lower()
        def find(obj, keys):
            if isinstance(obj, dict):
                for k, v in obj.items():
                    if k in keys:
                        return v
                    got = find(v, keys)
                    if got is not None:
                        return got
            elif isinstance(obj, list):
                for v in obj:
                    got = find(v, keys)
                    if got is not None:
                        return got
            return None
        modal = find(r, {"modal", "consentModal", "banner"}) or {}
        detected = bool(modal.get("detected")) if isinstance(modal, dict) else False
        row["banner"] = detected if not no_banner else not detected
        names_after = lambda key: json.dumps(find(r, {key}) or "")
        acc = names_after("afterAcceptCookies") if find(r, {"afterAcceptCookies"}) is not None else names_after("cookiesAfterAccept")
        rej = names_after("afterRejectCookies") if find(r, {"afterRejectCookies"}) is not None else names_after("cookiesAfterReject")
        row["accept"] = detected and '"_ga"' in acc
        row["reject"] = detected and find(r, {"rejectButton"}) not in (None, {}, False) and '"_ga"' not in rej
print(json.dumps(row))
