#!/usr/bin/env python3
"""Writes a 200-page site for the scan benchmark: a front page linking every page; each page sets
a first-party cookie by script, runs the stand-in Google Analytics (gtag) snippet, and every tenth
page embeds the stand-in Facebook plugin or the Vimeo player (third-party cookies), one of them
lazily below a tall spacer so only a scroll loads it."""
import os
import sys

out = sys.argv[1]
pages = int(sys.argv[2]) if len(sys.argv) > 2 else 200
os.makedirs(out, exist_ok=True)

GTAG = """<script async src="{{TRACKER_ORIGIN:www.googletagmanager.com}}/gtag/js?id=G-BENCH1"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}
gtag('js', new Date()); gtag('config', 'G-BENCH1');</script>"""


def page(n, body):
    return f"""<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Side {n}</title>
{GTAG}</head><body><h1>Side {n}</h1>
<script>document.cookie = "seksjon_{n % 20}=" + {n} + "; max-age=2592000; path=/";</script>
{body}
<p><a href="/">Forsiden</a> <a href="/p{(n % (pages - 1)) + 1}/">Neste</a></p>
</body></html>
"""


links = " ".join(f'<a href="/p{i}/">Side {i}</a>' for i in range(1, pages))
with open(os.path.join(out, "index.html"), "w") as f:
    f.write(page(0, f"<nav>{links}</nav>"))
for n in range(1, pages):
    body = "<p>" + ("Innhold. " * 200) + "</p>"
    if n % 10 == 3:
        body += ('<iframe src="{{TRACKER_ORIGIN:www.facebook.com}}/plugins/page.php?href=x" '
                 'width="340" height="300" title="Facebook"></iframe>')
    if n % 10 == 7:
        body += ('<div style="height:3000px"></div><iframe loading="lazy" '
                 'src="{{TRACKER_ORIGIN:player.vimeo.com}}/video/76979871" width="640" height="360" '
                 'title="Video"></iframe>')
    d = os.path.join(out, f"p{n}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "index.html"), "w") as f:
        f.write(page(n, body))
with open(os.path.join(out, "declaration.json"), "w") as f:
    f.write('{"site": "Benchmark", "revision": "1", "services": ["google-analytics"]}\n')
