//! The pages: what each one does to a crawler, and the handler that serves it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What a crawler should make of a page, whatever it does to the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// An ordinary page: it loads and its cookies are recorded.
    Loads,
    /// It cannot load within any sane deadline: it must end as an error on its page.
    Fails,
    /// Loading it or failing it are both honest outcomes; it must only be accounted for.
    Either,
}

/// One page of the suite.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    /// Its path, linked from the front page and listed in the sitemap.
    pub path: &'static str,
    /// What it does, in a line.
    pub what: &'static str,
    /// What a crawler should make of it.
    pub expect: Expect,
}

const fn page(path: &'static str, what: &'static str, expect: Expect) -> Page {
    Page { path, what, expect }
}

/// Every page the front page links to, hostile and ordinary interleaved, in link order.
pub const PAGES: &[Page] = &[
    page(
        "/plain/1",
        "an ordinary page with two cookies",
        Expect::Loads,
    ),
    page(
        "/cookie-bomb",
        "hundreds of cookies, a 64 KB header and an oversized cookie",
        Expect::Either,
    ),
    page(
        "/plain/2",
        "an ordinary page with two cookies",
        Expect::Loads,
    ),
    page(
        "/redirect-loop/0",
        "redirects to the next step, for ever",
        Expect::Fails,
    ),
    page(
        "/dialogs",
        "alert, confirm and prompt in a storm, also from fresh frames",
        Expect::Either,
    ),
    page(
        "/popups",
        "window.open and target=_blank clicks in a storm",
        Expect::Either,
    ),
    page(
        "/plain/3",
        "an ordinary page with two cookies",
        Expect::Loads,
    ),
    page("/many-links", "20,000 links", Expect::Either),
    page("/nested/0", "iframes nested 30 deep", Expect::Either),
    page(
        "/plain/4",
        "an ordinary page with two cookies",
        Expect::Loads,
    ),
    page(
        "/never-ends",
        "a response whose body trickles for ever",
        Expect::Fails,
    ),
    page("/huge", "a 40 MB page", Expect::Either),
    page(
        "/plain/5",
        "an ordinary page with two cookies",
        Expect::Loads,
    ),
    page(
        "/endless-script",
        "a script that never returns",
        Expect::Fails,
    ),
    page(
        "/memory-eater",
        "a script that allocates memory without end",
        Expect::Fails,
    ),
    page(
        "/plain/6",
        "an ordinary page with two cookies",
        Expect::Loads,
    ),
    page(
        "/service-worker",
        "a service worker that answers every request on the site",
        Expect::Either,
    ),
    page(
        "/beforeunload",
        "asks before it may be left",
        Expect::Either,
    ),
    page(
        "/endless-scroll",
        "grows whenever it is scrolled",
        Expect::Either,
    ),
    page(
        "/plain/7",
        "an ordinary page with two cookies",
        Expect::Loads,
    ),
    page(
        "/storage-keys",
        "10,000 localStorage and 1,000 sessionStorage keys",
        Expect::Either,
    ),
    page(
        "/bad-cookies",
        "malformed Set-Cookie lines beside one good cookie",
        Expect::Loads,
    ),
    page("/slow", "answers only after 45 s", Expect::Fails),
    page(
        "/plain/8",
        "an ordinary page with two cookies",
        Expect::Loads,
    ),
];

/// Cookies the ordinary pages set (by header and by script) and the front page sets: a crawl
/// that records every one of them lost nothing to its hostile neighbours.
pub const ORDINARY: &[&str] = &[
    "front",
    "plain_1",
    "plain_js_1",
    "plain_2",
    "plain_js_2",
    "plain_3",
    "plain_js_3",
    "plain_4",
    "plain_js_4",
    "plain_5",
    "plain_js_5",
    "plain_6",
    "plain_js_6",
    "plain_7",
    "plain_js_7",
    "plain_8",
    "plain_js_8",
    "bad_cookies_ok",
];

/// How many lazy pages `/lazy/` links to.
const LAZY_PAGES: usize = 4;
/// How long the slow page stays silent.
const SLOW: Duration = Duration::from_secs(45);
/// The size of the huge page.
const HUGE_BYTES: usize = 40 * 1024 * 1024;

/// Serves one connection.
pub fn serve(mut stream: TcpStream, shutdown: &AtomicBool) {
    // Browsers open connections ahead of need and may send a request on one much later.
    let _ = stream.set_read_timeout(Some(Duration::from_secs(120)));
    let Some(head) = read_head(&mut stream) else {
        return;
    };
    let target = head.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split('?').next().unwrap_or("/");
    let host = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("host")
                .then(|| value.trim().to_string())
        })
        .unwrap_or_else(|| "127.0.0.1".into());
    let _ = match path {
        "/" => front(&mut stream),
        "/robots.txt" => respond(
            &mut stream,
            200,
            "text/plain",
            &[],
            b"User-agent: *\nAllow: /\n",
        ),
        "/sitemap.xml" => sitemap(&mut stream, &host),
        "/leaf" => html(&mut stream, &[], "A leaf", "<p>Nothing here but words.</p>"),
        "/cookie-bomb" => cookie_bomb(&mut stream),
        "/dialogs" => html(&mut stream, &[], "Dialogs", DIALOGS),
        "/popups" => html(&mut stream, &[], "Pop-ups", POPUPS),
        "/many-links" => many_links(&mut stream),
        "/never-ends" => never_ends(&mut stream, shutdown),
        "/huge" => huge(&mut stream),
        "/endless-script" => html(&mut stream, &[], "Endless script", ENDLESS_SCRIPT),
        "/memory-eater" => html(&mut stream, &[], "Memory eater", MEMORY_EATER),
        "/service-worker" => html(&mut stream, &[], "Service worker", SERVICE_WORKER),
        "/sw.js" => respond(&mut stream, 200, "text/javascript", &[], SW_JS.as_bytes()),
        "/beforeunload" => html(&mut stream, &[], "Stay", BEFOREUNLOAD),
        "/endless-scroll" => html(&mut stream, &[], "Endless scroll", ENDLESS_SCROLL),
        "/storage-keys" => html(&mut stream, &[], "Storage keys", STORAGE_KEYS),
        "/bad-cookies" => bad_cookies(&mut stream),
        "/slow" => slow(&mut stream, shutdown),
        "/lazy/" => lazy_index(&mut stream),
        _ => {
            if let Some(n) = path
                .strip_prefix("/plain/")
                .and_then(|n| n.parse::<u32>().ok())
            {
                plain(&mut stream, n)
            } else if let Some(n) = number_after(path, "/redirect-loop/") {
                let next = format!("/redirect-loop/{}", n + 1);
                respond(&mut stream, 302, "text/plain", &[("Location", next)], b"")
            } else if let Some(n) = number_after(path, "/nested/") {
                nested(&mut stream, n)
            } else if let Some(n) = number_after(path, "/lazy/") {
                lazy(&mut stream, n)
            } else {
                respond(&mut stream, 404, "text/plain", &[], b"not found")
            }
        }
    };
}

/// Reads a request's head (up to the blank line, at most 256 KB) as lossy UTF-8: the cookies
/// this site hands out include raw Latin-1 bytes, which come back in the `Cookie` header.
fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 || head.len() > 256 * 1024 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

fn number_after(path: &str, prefix: &str) -> Option<u64> {
    path.strip_prefix(prefix).and_then(|n| n.parse().ok())
}

/// Writes a whole response: status, headers as given (names may repeat), a body.
fn respond(
    out: &mut TcpStream,
    status: u16,
    content_type: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} Whatever\r\nContent-Type: {content_type}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    out.write_all(head.as_bytes())?;
    out.write_all(body)?;
    out.flush()
}

fn html(
    out: &mut TcpStream,
    headers: &[(&str, String)],
    title: &str,
    body: &str,
) -> std::io::Result<()> {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1><p><a href=\"/\">Front page</a></p>{body}</body></html>"
    );
    respond(
        out,
        200,
        "text/html; charset=utf-8",
        headers,
        page.as_bytes(),
    )
}

fn front(out: &mut TcpStream) -> std::io::Result<()> {
    let mut list = String::from("<ul>");
    for p in PAGES {
        list.push_str(&format!("<li><a href=\"{}\">{}</a></li>", p.path, p.what));
    }
    list.push_str("</ul>");
    let cookie = ("Set-Cookie", "front=1; Path=/; Max-Age=3600".to_string());
    html(out, &[cookie], "A hostile site", &list)
}

/// The sitemap; its locations are absolute, on the origin the request named.
fn sitemap(out: &mut TcpStream, host: &str) -> std::io::Result<()> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in PAGES {
        xml.push_str(&format!("<url><loc>http://{host}{}</loc></url>\n", p.path));
    }
    xml.push_str("</urlset>\n");
    respond(out, 200, "application/xml", &[], xml.as_bytes())
}

fn plain(out: &mut TcpStream, n: u32) -> std::io::Result<()> {
    let cookie = ("Set-Cookie", format!("plain_{n}=yes; Path=/; Max-Age=3600"));
    let body = format!(
        "<p>An ordinary page, number {n}, with a cookie from the server and one from a script.</p>\
         <script>document.cookie = 'plain_js_{n}=yes; path=/; max-age=3600';</script>"
    );
    html(out, &[cookie], &format!("Ordinary page {n}"), &body)
}

fn cookie_bomb(out: &mut TcpStream) -> std::io::Result<()> {
    let mut headers: Vec<(&str, String)> = (0..300)
        .map(|i| {
            (
                "Set-Cookie",
                format!(
                    "bomb_{i}=0123456789abcdef0123456789abcdef; Path=/; Max-Age=600; Priority=Low"
                ),
            )
        })
        .collect();
    headers.push(("X-Filler", "x".repeat(64 * 1024)));
    headers.push((
        "Set-Cookie",
        format!("oversized={}; Path=/; Priority=Low", "y".repeat(8 * 1024)),
    ));
    let body = "<p>This page sets hundreds of cookies.</p><script>\
        for (let i = 0; i < 300; i++) document.cookie = 'bomb_js_' + i + '=' + 'z'.repeat(100) + '; path=/; max-age=600; priority=low';\
        </script>";
    html(out, &headers, "Cookie bomb", body)
}

fn many_links(out: &mut TcpStream) -> std::io::Result<()> {
    let mut body = String::with_capacity(20_000 * 40);
    for i in 0..20_000 {
        body.push_str(&format!("<a href=\"/leaf?n={i}\">leaf {i}</a> "));
    }
    html(out, &[], "Many links", &body)
}

fn nested(out: &mut TcpStream, depth: u64) -> std::io::Result<()> {
    let inner = if depth < 29 {
        format!(
            "<iframe src=\"/nested/{}\" width=\"90%\" height=\"300\"></iframe>",
            depth + 1
        )
    } else {
        "<p>The bottom.</p>".to_string()
    };
    html(out, &[], &format!("Frame at depth {depth}"), &inner)
}

fn never_ends(out: &mut TcpStream, shutdown: &AtomicBool) -> std::io::Result<()> {
    out.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n\
          <!doctype html><html><head><title>Never ends</title></head><body><h1>Never ends</h1>",
    )?;
    let mut n = 0u64;
    while !shutdown.load(Ordering::SeqCst) {
        out.write_all(format!("<span>{n}</span>\n").as_bytes())?;
        out.flush()?;
        n += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

fn huge(out: &mut TcpStream) -> std::io::Result<()> {
    let head = "<!doctype html><html><head><title>Huge</title></head><body><h1>Huge</h1>";
    let tail = "</body></html>";
    let para = "<p>Forty megabytes of text in small paragraphs, which a browser must parse and lay out.</p>\n";
    let fill = HUGE_BYTES - head.len() - tail.len();
    write!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {HUGE_BYTES}\r\nConnection: close\r\n\r\n{head}"
    )?;
    let block = para.repeat(64 * 1024 / para.len());
    let mut left = fill;
    while left > 0 {
        let n = left.min(block.len());
        out.write_all(&block.as_bytes()[..n])?;
        left -= n;
    }
    out.write_all(tail.as_bytes())?;
    out.flush()
}

fn bad_cookies(out: &mut TcpStream) -> std::io::Result<()> {
    let lines: Vec<Vec<u8>> = vec![
        b"=no_name".to_vec(),
        b"no_equals_sign".to_vec(),
        b";;;".to_vec(),
        b"spaced name=value".to_vec(),
        b"bad_expiry=1; Expires=the day after never".to_vec(),
        b"bad_max_age=1; Max-Age=forever".to_vec(),
        b"foreign_domain=1; Domain=example.invalid".to_vec(),
        format!("{}=1", "n".repeat(5000)).into_bytes(),
        b"control=a\x01b\x7fc".to_vec(),
        b"latin1=\xe6\xf8\xe5".to_vec(),
        b"twice=1; Path=/; Path=/elsewhere; Secure; SameSite=Sometimes".to_vec(),
        b"bad_cookies_ok=1; Path=/; Max-Age=3600".to_vec(),
    ];
    let body = b"<!doctype html><title>Bad cookies</title><h1>Bad cookies</h1><p>Malformed Set-Cookie lines.</p>";
    let mut head = Vec::new();
    head.extend_from_slice(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n");
    for line in lines {
        head.extend_from_slice(b"Set-Cookie: ");
        head.extend_from_slice(&line);
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(
        format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    out.write_all(&head)?;
    out.write_all(body)?;
    out.flush()
}

fn slow(out: &mut TcpStream, shutdown: &AtomicBool) -> std::io::Result<()> {
    let until = Instant::now() + SLOW;
    while Instant::now() < until {
        if shutdown.load(Ordering::SeqCst) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let cookie = ("Set-Cookie", "slow_answer=1; Path=/".to_string());
    html(out, &[cookie], "Slow", "<p>Here at last.</p>")
}

fn lazy_index(out: &mut TcpStream) -> std::io::Result<()> {
    let links: String = (1..=LAZY_PAGES)
        .map(|n| format!("<li><a href=\"/lazy/{n}\">lazy page {n}</a></li>"))
        .collect();
    html(out, &[], "Lazy pages", &format!("<ul>{links}</ul>"))
}

/// A tall page whose cookies are set only once its end is scrolled into view (an observer) and
/// once two animation frames were rendered; no network request is involved in either.
fn lazy(out: &mut TcpStream, n: u64) -> std::io::Result<()> {
    let body = format!(
        "<div style=\"height: 6000px\">Scroll down.</div><p id=\"end\">The end.</p><script>\
         new IntersectionObserver((entries, observer) => {{\
           if (entries.some(e => e.isIntersecting)) {{\
             document.cookie = 'lazy_seen_{n}=1; path=/; max-age=3600'; observer.disconnect(); }}\
         }}).observe(document.getElementById('end'));\
         requestAnimationFrame(() => requestAnimationFrame(() => {{\
           document.cookie = 'lazy_frame_{n}=1; path=/; max-age=3600'; }}));\
         </script>"
    );
    html(out, &[], &format!("Lazy page {n}"), &body)
}

const DIALOGS: &str = r#"<p>Dialogs, hundreds of them.</p><script>
let n = 0;
function storm() {
  for (let i = 0; i < 5; i++, n++) {
    try { alert('alert ' + n); confirm('confirm ' + n); prompt('prompt ' + n, 'x'); } catch (e) {}
  }
  const f = document.createElement('iframe');
  document.body.appendChild(f);
  try { f.contentWindow.alert('from a fresh frame ' + n); f.contentWindow.confirm('and again?'); } catch (e) {}
  f.remove();
  if (n < 500) setTimeout(storm, 20);
}
storm();
</script>"#;

const POPUPS: &str = r#"<p>Pop-ups, hundreds of them.</p><a id="away" href="/leaf?n=popup" target="_blank">away</a><script>
let n = 0;
const timer = setInterval(() => {
  try { window.open('/leaf?n=p' + n, '_blank'); window.open('about:blank', 'w' + n); } catch (e) {}
  document.getElementById('away').click();
  if (++n >= 200) clearInterval(timer);
}, 10);
</script>"#;

const ENDLESS_SCRIPT: &str = r#"<p>This page's script never returns.</p><script>
document.cookie = 'spin_started=1; path=/';
for (;;) {}
</script>"#;

/// Grows by about 32 MB per tick, JS heap and array buffers alike, and keeps trying when an
/// allocation is refused. It stops at 6 GB so that a crawler without limits cannot take the whole
/// machine down with it.
const MEMORY_EATER: &str = r#"<p>This page allocates memory without end.</p><script>
const hoard = [];
let bytes = 0;
function grow() {
  try {
    for (let i = 0; i < 8; i++) { hoard.push(new Array(1 << 18).fill(hoard.length + 0.5)); bytes += 2 << 20; }
    const b = new Uint8Array(16 << 20); b.fill(hoard.length & 255); hoard.push(b); bytes += 16 << 20;
  } catch (e) {}
  if (bytes < 6 * 1024 * 1024 * 1024) setTimeout(grow, 0);
}
grow();
</script>"#;

const SERVICE_WORKER: &str = r#"<p>Installs a service worker that answers every request on the site.</p><script>
if (navigator.serviceWorker) navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
</script>"#;

const SW_JS: &str = r#"self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', event => {
  event.respondWith(new Response(
    '<!doctype html><title>Answered by a service worker</title><p>Every request here is answered by a service worker.</p>' +
    '<script>document.cookie = "sw_answered=1; path=/";<\/script>',
    { headers: { 'Content-Type': 'text/html' } }));
});
"#;

const BEFOREUNLOAD: &str = r#"<p>This page asks before it may be left.</p><script>
addEventListener('beforeunload', event => { event.preventDefault(); event.returnValue = 'Stay?'; return 'Stay?'; });
</script>"#;

const ENDLESS_SCROLL: &str = r#"<div id="feed"></div><script>
const feed = document.getElementById('feed');
let n = 0;
function more() {
  for (let i = 0; i < 20; i++) {
    const p = document.createElement('p');
    p.style.height = '200px';
    p.textContent = 'Item ' + (n++);
    feed.appendChild(p);
  }
}
more();
addEventListener('scroll', () => { if (innerHeight + scrollY > document.body.scrollHeight - 1500) more(); });
</script>"#;

const STORAGE_KEYS: &str = r#"<p>Fills local and session storage.</p><script>
try { for (let i = 0; i < 10000; i++) localStorage.setItem('key_' + i, 'value ' + i); } catch (e) {}
try { for (let i = 0; i < 1000; i++) sessionStorage.setItem('session_key_' + i, 'value ' + i); } catch (e) {}
</script>"#;
