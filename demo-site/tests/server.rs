//! The demo server over real sockets: pages, gating markup, the generated privacy statement,
//! the server-set cookies, and the HTTPS stand-ins verified against the demo's own certificate.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use kapsel_demo::{Demo, DemoOptions, Site};
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.as_str())
            .collect()
    }
    fn set_cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies()
            .into_iter()
            .find(|c| c.starts_with(&format!("{name}=")))
    }
}

fn exchange(mut stream: impl Read + Write, request: &str) -> Reply {
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a response head");
    let mut lines = head.lines();
    let status = lines.next().unwrap().split_whitespace().nth(1).unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status: status.parse().unwrap(),
        headers,
        body: body.to_string(),
    }
}

fn get(demo: &Demo, path: &str, cookie: Option<&str>) -> Reply {
    let stream = TcpStream::connect(demo.site_addr()).unwrap();
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    exchange(
        stream,
        &format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\n{cookie}\r\n",
            demo.site_addr()
        ),
    )
}

/// A request to a stand-in over TLS, verifying its certificate for `host` against the demo's.
fn get_tracker(demo: &Demo, host: &str, path: &str, method: &str) -> Reply {
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from(demo.certificate_der().to_vec()))
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let conn = ClientConnection::new(
        Arc::new(config),
        ServerName::try_from(host.to_string()).unwrap(),
    )
    .unwrap();
    let tcp = TcpStream::connect(("127.0.0.1", demo.tracker_port())).unwrap();
    exchange(
        StreamOwned::new(conn, tcp),
        &format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}:{}\r\nContent-Length: 0\r\n\r\n",
            demo.tracker_port()
        ),
    )
}

fn html_pages(demo: &Demo) -> Vec<String> {
    let sitemap = get(demo, "/sitemap.xml", None).body;
    sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| {
            let url = s.split("</loc>").next().unwrap();
            url.split_once(&demo.site_addr().to_string())
                .unwrap()
                .1
                .to_string()
        })
        .collect()
}

/// Every start tag `<name ...>` in the page.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    html.match_indices(&format!("<{name}"))
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap() + 1])
        .collect()
}

#[test]
fn the_site_has_the_pages_a_municipality_needs() {
    let demo = Demo::start(DemoOptions::new(Site::Gated)).unwrap();
    let pages = html_pages(&demo);
    let mut nb = 0;
    let mut nn = 0;
    for page in &pages {
        let reply = get(&demo, page, None);
        assert_eq!(reply.status, 200, "{page}");
        nb += reply.body.contains("<html lang=\"nb\">") as usize;
        nn += reply.body.contains("<html lang=\"nn\">") as usize;
    }
    assert!(nb >= 7, "front page and at least six Bokmål subpages: {nb}");
    assert!(nn >= 1, "at least one Nynorsk page");
    for (path, text) in [
        ("/", "Velkommen til Eksempel kommune"),
        ("/nyheter/", "Nyheter"),
        ("/tjenester/", "Tjenester"),
        ("/tilbakemelding/", "Fant du det du lette etter?"),
        ("/kontakt/", "Kontakt oss"),
        ("/min-side/", "Logg inn med ID-porten"),
        ("/personvern/", "Informasjonskapsler"),
        ("/nn/", "Velkomen til Eksempel kommune"),
    ] {
        let reply = get(&demo, path, None);
        assert!(reply.body.contains(text), "{path} says {text:?}");
    }
    assert_eq!(get(&demo, "/finnes-ikke/", None).status, 404);
    let redirect = get(&demo, "/nyheter", None);
    assert_eq!(redirect.status, 301);
    assert!(redirect
        .headers
        .iter()
        .any(|(n, v)| n == "Location" && v == "/nyheter/"));
}

#[test]
fn gated_pages_load_nothing_that_needs_consent_by_themselves() {
    let demo = Demo::start(DemoOptions::new(Site::Gated)).unwrap();
    let mut gated = 0;
    let mut pasted = Vec::new();
    for page in html_pages(&demo) {
        let body = get(&demo, &page, None).body;
        assert!(
            body.contains(r#"<script src="/kapsel/guard.js" data-config="/kapsel.json">"#),
            "{page} carries the guard, which starts the banner"
        );
        for tag in tags(&body, "script") {
            if tag.contains("data-consent") {
                gated += 1;
                assert!(tag.contains(r#"type="text/plain""#), "{page}: {tag}");
            } else {
                assert!(
                    !tag.contains("https://"),
                    "{page}: an ungated third-party script {tag}"
                );
            }
        }
        for tag in tags(&body, "iframe") {
            if tag.contains("data-consent=") {
                gated += 1;
                assert!(!tag.contains(" src="), "{page}: {tag}");
            } else {
                pasted.push((page.clone(), tag.to_string()));
            }
        }
    }
    // One embed an editor pasted as Vimeo gives it, which only the guard keeps off.
    assert_eq!(pasted.len(), 1, "{pasted:?}");
    assert_eq!(pasted[0].0, "/nyheter/kulturprisen-2026/");
    assert!(pasted[0].1.contains(&format!(
        " src=\"{}/video/",
        demo.tracker_origin("player.vimeo.com")
    )));
    assert!(
        gated > 20,
        "every page gates GA, some gate Facebook and Vimeo: {gated}"
    );
    let front = get(&demo, "/", None).body;
    let origin = demo.tracker_origin("www.facebook.com");
    assert!(origin.ends_with(&format!(":{}", demo.tracker_port())));
    assert!(front.contains(&format!("data-src=\"{origin}/plugins/page.php")));
    assert!(front.contains(&format!(
        "{}/video/",
        demo.tracker_origin("player.vimeo.com")
    )));
    assert!(front.contains(&format!(
        "src=\"{}/gtag/js?id=G-EKS3MPL4\"",
        demo.tracker_origin("www.googletagmanager.com")
    )));
}

#[test]
fn ungated_copy_drops_the_banner_and_loads_every_tracker() {
    let demo = Demo::start(DemoOptions::new(Site::Ungated)).unwrap();
    let front = get(&demo, "/", None).body;
    assert!(!front.contains("/kapsel/"), "no guard, no banner");
    assert!(!front.contains("text/plain"));
    assert!(!front.contains("data-src="));
    let iframes = tags(&front, "iframe");
    assert_eq!(iframes.len(), 2);
    assert!(
        iframes.iter().all(|t| t.contains(" src=\"https://")),
        "{iframes:?}"
    );
    assert!(front.contains(&format!(
        "<script data-consent=\"statistics\" async src=\"{}/gtag/js",
        demo.tracker_origin("www.googletagmanager.com")
    )));
}

#[test]
fn privacy_statement_table_is_generated_from_the_declaration() {
    let demo = Demo::start(DemoOptions::new(Site::Gated)).unwrap();
    let resolved: serde_json::Value =
        serde_json::from_str(&get(&demo, "/kapsel.json", None).body).unwrap();
    let names: Vec<&str> = resolved["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"kapsel_consent"),
        "the banner's own cookie comes from the base"
    );
    assert!(!names.contains(&"__cf_bm"), "left out on purpose");
    let nb = get(&demo, "/personvern/", None).body;
    let nn = get(&demo, "/nn/personvern/", None).body;
    for name in &names {
        let cell = format!(
            "<code>{}</code>",
            name.replace('<', "&lt;").replace('>', "&gt;")
        );
        assert!(nb.contains(&cell), "the nb table lists {name}");
        assert!(nn.contains(&cell), "the nn table lists {name}");
    }
    assert!(nb.contains("<th scope=\"col\">Formål</th>"));
    assert!(nn.contains("<th scope=\"col\">Føremål</th>"));
    assert!(!nb.contains("{{"), "no placeholder left");
}

#[test]
fn the_server_sets_its_session_form_and_login_cookies() {
    let demo = Demo::start(DemoOptions::new(Site::Gated)).unwrap();
    let first = get(&demo, "/", None);
    let session = first.set_cookie("PHPSESSID").expect("a PHP session");
    assert!(
        session.contains("HttpOnly") && !session.contains("Max-Age"),
        "{session}"
    );
    assert_eq!(first.set_cookies().len(), 1, "{:?}", first.set_cookies());
    let again = get(&demo, "/", Some("PHPSESSID=abc"));
    assert!(
        again.set_cookies().is_empty(),
        "the session is kept, not renewed"
    );
    let form = get(&demo, "/tilbakemelding/", Some("PHPSESSID=abc"));
    assert!(form
        .set_cookie("FormCookie")
        .unwrap()
        .contains("Max-Age=31536000"));
    let login = get(&demo, "/min-side/logg-inn/", Some("PHPSESSID=abc"));
    assert!(login.set_cookie("SimpleSAMLSessionID").is_some());
    assert!(get(&demo, "/assets/style.css", None)
        .set_cookies()
        .is_empty());
}

#[test]
fn stand_ins_answer_over_https_under_their_real_names() {
    let demo = Demo::start(DemoOptions::new(Site::Gated)).unwrap();
    let gtag = get_tracker(
        &demo,
        "www.googletagmanager.com",
        "/gtag/js?id=G-EKS3MPL4",
        "GET",
    );
    assert_eq!(gtag.status, 200);
    assert!(gtag.body.contains(&format!(
        "\"{}/g/collect\"",
        demo.tracker_origin("www.google-analytics.com")
    )));
    assert_eq!(
        get_tracker(
            &demo,
            "www.google-analytics.com",
            "/g/collect?v=2&tid=G-EKS3MPL4",
            "POST"
        )
        .status,
        204
    );

    let facebook = get_tracker(&demo, "www.facebook.com", "/plugins/page.php?href=x", "GET");
    for name in ["datr", "fr", "sb"] {
        let c = facebook
            .set_cookie(name)
            .unwrap_or_else(|| panic!("{name} set"));
        assert!(
            c.contains("Domain=.facebook.com")
                && c.contains("Secure")
                && c.contains("SameSite=None"),
            "{c}"
        );
    }
    assert!(facebook.body.contains(&format!(
        "{}/nb_NO/sdk.js",
        demo.tracker_origin("connect.facebook.net")
    )));
    assert_eq!(
        get_tracker(&demo, "connect.facebook.net", "/nb_NO/sdk.js", "GET").status,
        200
    );

    let vimeo = get_tracker(&demo, "player.vimeo.com", "/video/76979871?h=1", "GET");
    let vuid = vimeo.set_cookie("vuid").expect("vuid");
    assert!(
        vuid.contains("Domain=.vimeo.com") && vuid.contains("SameSite=None; Secure")
            || vuid.contains("Secure; SameSite=None"),
        "{vuid}"
    );
    assert!(vimeo
        .set_cookie("__cf_bm")
        .unwrap()
        .contains("Max-Age=1800"));
    assert_eq!(
        get_tracker(&demo, "player.vimeo.com", "/nothing", "GET").status,
        404
    );

    let log = demo.tracker_requests();
    let hosts: Vec<&str> = log.iter().map(|r| r.host.as_str()).collect();
    assert_eq!(
        hosts,
        [
            "www.googletagmanager.com",
            "www.google-analytics.com",
            "www.facebook.com",
            "connect.facebook.net",
            "player.vimeo.com",
            "player.vimeo.com"
        ]
    );
    assert_eq!(log[1].method, "POST");
    assert_eq!(log[1].query, "v=2&tid=G-EKS3MPL4");
    demo.clear_tracker_requests();
    assert!(demo.tracker_requests().is_empty());
}

#[test]
fn resolve_arguments_name_every_stand_in_and_nothing_else_resolves() {
    let demo = Demo::start(DemoOptions::new(Site::Gated)).unwrap();
    let port = demo.tracker_port();
    assert_eq!(demo.resolve_args().len(), demo.tracker_hosts().len());
    assert!(demo
        .resolve_args()
        .contains(&format!("www.facebook.com:{port}:127.0.0.1")));
    let rules = demo.host_resolver_rules();
    assert!(rules.contains("MAP player.vimeo.com 127.0.0.1"));
    assert!(
        rules.contains("MAP * ~NOTFOUND"),
        "nothing else leaves the machine"
    );
    assert!(demo
        .scan_args()
        .contains(&"--browser-arg=--ignore-certificate-errors".to_string()));
    let other = Demo::start(DemoOptions::new(Site::Gated)).unwrap();
    assert_ne!(other.tracker_port(), port, "demos run side by side");
}

#[test]
fn dropping_the_demo_stops_it() {
    let demo = Demo::start(DemoOptions::new(Site::Gated)).unwrap();
    let (site, trackers) = (demo.site_addr(), demo.tracker_port());
    drop(demo);
    assert!(TcpStream::connect(site).is_err());
    assert!(TcpStream::connect(("127.0.0.1", trackers)).is_err());
}

#[test]
fn any_folder_can_be_served_with_tracker_placeholders() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("_partials")).unwrap();
    std::fs::write(
        dir.path().join("_partials/ga.html"),
        "<script src=\"{{TRACKER_ORIGIN:www.googletagmanager.com}}/gtag/js?id=G-1\"></script>",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>x</title>{{INCLUDE:ga}}",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/page.html"), "<p>sub</p>").unwrap();
    let demo = Demo::start(DemoOptions::new(Site::Dir(dir.path().to_path_buf()))).unwrap();
    let front = get(&demo, "/", None);
    assert!(
        front.set_cookies().is_empty(),
        "a folder gets no server cookies"
    );
    assert!(front.body.contains(&format!(
        "<script src=\"{}/gtag/js?id=G-1\"></script>",
        demo.tracker_origin("www.googletagmanager.com")
    )));
    assert_eq!(get(&demo, "/sub/page.html", None).body, "<p>sub</p>");
    assert_eq!(get(&demo, "/_partials/ga.html", None).status, 404);
    assert_eq!(
        get(&demo, "/kapsel.json", None).status,
        404,
        "no declaration in this folder"
    );
}

#[test]
fn a_broken_template_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "{{INCLUDE:missing}}").unwrap();
    let err = Demo::start(DemoOptions::new(Site::Dir(dir.path().to_path_buf())))
        .err()
        .expect("an error");
    let msg = err.to_string();
    assert!(
        msg.contains("index.html") && msg.contains("missing"),
        "{msg}"
    );
}

#[test]
fn the_guard_carries_the_banner_s_classic_build_when_the_pages_load_both_by_it() {
    let banner = tempfile::tempdir().unwrap();
    let mut options = DemoOptions::new(Site::Gated);
    options.banner_dir = Some(banner.path().to_path_buf());
    let demo = Demo::start(options).unwrap();
    let missing = get(&demo, "/kapsel/guard.js", None);
    assert_eq!(missing.status, 404, "no banner built: {}", missing.body);
    assert!(
        missing.body.contains("kapsel-classic.js"),
        "{}",
        missing.body
    );

    let classic = format!(
        "{}console.log(1)}})();\n",
        kapsel_guard::CLASSIC_BANNER_START
    );
    std::fs::write(banner.path().join("kapsel-classic.js"), &classic).unwrap();
    let js = get(&demo, "/kapsel/guard.js", None).body;
    assert!(js.ends_with(&classic), "{js}");
    assert!(
        js.contains("\"player.vimeo.com\"") || js.contains("\"vimeo.com\""),
        "{js}"
    );
}
