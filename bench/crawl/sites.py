#!/usr/bin/env python3
"""Serves N generated sites on one 127.0.0.1 port, told apart by the Host header
(site-00.test … site-NN.test; the scanner reaches them with --resolve). Each site has P pages
linking to each other. Every third site sets a Google Analytics-like `_ga` cookie by script before
any consent; every other site shows a consent banner in Kapsel's markup whose accept button sets a
`consent_stats` cookie; every tenth site answers 503 everywhere (a dead site is a result too).

Usage: sites.py N P PORT-FILE      (writes the chosen port to PORT-FILE, serves until killed)"""
import http.server
import re
import socketserver
import sys

n_sites, n_pages, port_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]

BANNER = """<div id="kapsel-banner" role="dialog" aria-label="Informasjonskapsler">
<p>Vi bruker informasjonskapsler til statistikk.</p>
<button data-kapsel-action="accept-all" onclick="document.cookie='consent_stats=1; max-age=31536000; path=/'; this.parentNode.remove()">Godta alle</button>
<button data-kapsel-action="reject-all" onclick="document.cookie='consent_stats=0; max-age=31536000; path=/'; this.parentNode.remove()">Avvis alle</button>
</div>"""


def page(site, n):
    links = " ".join(f'<a href="/side-{(n + k) % n_pages}/">Side {(n + k) % n_pages}</a>' for k in range(1, 4))
    tracking = ("<script>document.cookie='_ga=GA1.1.' + Date.now() + '; max-age=63072000; path=/';</script>"
                if site % 3 == 0 else "")
    banner = BANNER if site % 2 == 0 else ""
    return (f"<!doctype html><html lang=\"nb\"><head><meta charset=\"utf-8\"><title>Kommune {site}, side {n}</title>"
            f"</head><body>{banner}<h1>Kommune {site}</h1><p>{'Innhold. ' * 100}</p>{tracking}"
            f"<nav>{links}</nav></body></html>").encode()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        host = (self.headers.get("Host") or "").split(":")[0]
        m = re.fullmatch(r"site-(\d+)\.test", host)
        path = self.path.split("?")[0]
        pm = re.fullmatch(r"/(?:side-(\d+)/)?", path)
        if not m or int(m.group(1)) >= n_sites:
            return self.answer(404, b"no such site")
        site = int(m.group(1))
        if site % 10 == 9:
            return self.answer(503, b"down for maintenance")
        if not pm or (pm.group(1) and int(pm.group(1)) >= n_pages):
            return self.answer(404, b"not found")
        self.answer(200, page(site, int(pm.group(1) or 0)))

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


with Server(("127.0.0.1", 0), Handler) as server:
    with open(port_file, "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()
