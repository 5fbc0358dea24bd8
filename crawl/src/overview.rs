//! The national overview as one self-contained HTML page for a compliance officer: one row per
//! site, worst first, sortable and filterable in the browser without a server, counts per
//! finding kind, each site linking to its own report. In nb, nn or en.

use crate::merge::{National, SiteRow};

pub use kapsel_report::Lang;
// One HTML escaper for every report (it also drops control characters, which HTML cannot hold).
use kapsel_report::escape_xml as escape;

/// A site's status in a language.
pub fn status(lang: Lang, s: &str) -> &'static str {
    lang.pick(match s {
        "ok" => ["ok", "ok", "ok"],
        "unreachable" => ["unreachable", "utilgjengelig", "utilgjengeleg"],
        "timeout" => ["timed out", "tidsavbrudd", "tidsavbrot"],
        "error" => ["error", "feil", "feil"],
        _ => ["missing", "mangler", "manglar"],
    })
}

const STYLE: &str = r#"
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;padding:1rem;max-width:1280px;color:#1b1b1b}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.5rem}
.incomplete{background:#fff3cd;border:1px solid #d9a400;padding:.6rem .8rem;border-radius:4px}
.controls{display:flex;gap:.6rem;flex-wrap:wrap;margin:.8rem 0}
input,select{font:inherit;padding:.3rem .4rem}
.wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{padding:.35rem .5rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
th{background:#f2f2f2;cursor:pointer;position:sticky;top:0;font-size:.9em}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.rank0 td:first-child{border-left:4px solid #b00020}tr.rank1 td:first-child{border-left:4px solid #7a7a7a}
tr.rank2 td:first-child{border-left:4px solid #d9a400}tr.rank4 td:first-child{border-left:4px solid #2e7d32}
.bad{color:#b00020;font-weight:600}.why{color:#555;font-size:.85em}
dl.kinds{display:grid;grid-template-columns:max-content max-content;gap:.2rem 1rem}
@media (max-width:700px){body{padding:.5rem;font-size:14px}th,td{padding:.3rem}}
"#;

const SCRIPT: &str = r#"
(function(){
var table=document.getElementById('sites'),body=table.tBodies[0];
var filter=document.getElementById('filter'),status=document.getElementById('status');
function apply(){var q=filter.value.trim().toLowerCase(),s=status.value;
 Array.prototype.forEach.call(body.rows,function(r){
  var ok=(!q||r.textContent.toLowerCase().indexOf(q)>=0)&&(!s||r.getAttribute('data-status')===s);
  r.hidden=!ok;});}
filter.addEventListener('input',apply);status.addEventListener('change',apply);
Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
 th.tabIndex=0;
 function sort(){var dir=th.getAttribute('aria-sort')==='descending'?'ascending':'descending';
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(o){o.removeAttribute('aria-sort');});
  th.setAttribute('aria-sort',dir);
  var rows=Array.prototype.slice.call(body.rows);
  rows.sort(function(a,b){var x=a.cells[i].getAttribute('data-v'),y=b.cells[i].getAttribute('data-v');
   var nx=parseFloat(x),ny=parseFloat(y),c;
   if(!isNaN(nx)&&!isNaN(ny)){c=nx-ny;}else{c=String(x).localeCompare(String(y));}
   return dir==='ascending'?c:-c;});
  rows.forEach(function(r){body.appendChild(r);});}
 th.addEventListener('click',sort);
 th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sort();}});
});
})();
"#;

fn yes_no(lang: Lang, v: Option<bool>) -> (String, &'static str) {
    match v {
        Some(true) => ("1".into(), lang.pick(["yes", "ja", "ja"])),
        Some(false) => ("0".into(), lang.pick(["no", "nei", "nei"])),
        None => ("-1".into(), "–"),
    }
}

fn number_cell(n: usize) -> String {
    let class = if n > 0 { "n bad" } else { "n" };
    format!("<td class=\"{class}\" data-v=\"{n}\">{n}</td>")
}

fn site_row(position: usize, r: &SiteRow, lang: Lang, link_prefix: &str, out: &mut String) {
    use std::fmt::Write;
    let name = match &r.report_html {
        Some(href) => format!(
            "<a href=\"{}\">{}</a>",
            escape(&format!("{link_prefix}{href}")),
            escape(&r.host)
        ),
        None => escape(&r.host),
    };
    let why = r
        .reason
        .as_deref()
        .map(|w| format!("<div class=\"why\">{}</div>", escape(w)))
        .unwrap_or_default();
    let _ = write!(
        out,
        "<tr class=\"rank{}\" data-status=\"{}\"><td class=\"n\" data-v=\"{position}\">{position}</td><td data-v=\"{}\">{name}</td><td data-v=\"{}\">{}{why}</td>",
        r.rank,
        escape(&r.status),
        escape(&r.host),
        escape(&r.status),
        status(lang, &r.status),
    );
    out.push_str(&number_cell(r.pages).replace(" bad", ""));
    for v in [r.banner_found, r.banner_pressed] {
        let (key, text) = yes_no(lang, v);
        let class = if v == Some(false) {
            " class=\"bad\""
        } else {
            ""
        };
        let _ = write!(out, "<td{class} data-v=\"{key}\">{text}</td>");
    }
    out.push_str(&number_cell(r.set_before_consent));
    out.push_str(&number_cell(r.set_after_reject));
    out.push_str(&number_cell(r.undeclared));
    match r.statement_drift {
        Some(n) => out.push_str(&number_cell(n)),
        None => out.push_str("<td class=\"n\" data-v=\"-1\">–</td>"),
    }
    out.push_str("</tr>\n");
}

/// Renders the overview; `link_prefix` is put before each site report's path (relative to the
/// run directory) so links work from where the HTML file is written.
pub fn render(national: &National, lang: Lang, link_prefix: &str) -> String {
    use std::fmt::Write;
    let t = |x: [&'static str; 3]| lang.pick(x);
    let mut out = String::new();
    let title = format!(
        "{} — {}",
        t([
            "Cookie compliance overview",
            "Oversikt over informasjonskapsler",
            "Oversikt over informasjonskapslar"
        ]),
        national.run_id
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        lang.tag(),
        escape(&title),
        escape(&title)
    );
    let total = national.sites.len();
    let _ = writeln!(
        out,
        "<p>{} {total}. {} {}.</p>",
        t(["Sites in this run:", "Nettsteder i denne kjøringen:", "Nettstader i denne køyringa:"]),
        t(["Worst first (#); click a column heading to sort", "Verst først (#); klikk på en kolonneoverskrift for å sortere", "Verst først (#); klikk på ei kolonneoverskrift for å sortere"]),
        t(["(ranking: findings of high severity, then sites that could not be measured, then medium, low, clean)", "(rekkefølge: funn med høy alvorlighet, så nettsteder som ikke kunne måles, så middels, lav, rene)", "(rekkjefølgje: funn med høg alvor, så nettstader som ikkje kunne målast, så middels, låg, reine)"]),
    );
    if !national.complete {
        let _ = writeln!(
            out,
            "<div class=\"incomplete\" id=\"incomplete\"><strong>{}</strong> {} {} {total} {} <span id=\"missing\">{}</span></div>",
            t(["Incomplete:", "Ufullstendig:", "Ufullstendig:"]),
            national.missing.len(),
            t(["of", "av", "av"]),
            t(["sites have no result:", "nettsteder mangler resultat:", "nettstader manglar resultat:"]),
            escape(&national.missing.join(", "))
        );
    }
    let _ = write!(
        out,
        "<h2>{}</h2>\n<dl class=\"kinds\" id=\"kinds\">",
        t([
            "Findings by kind (sites affected / findings)",
            "Funn etter type (berørte nettsteder / funn)",
            "Funn etter type (råka nettstader / funn)"
        ])
    );
    let kinds = [
        "set-before-consent",
        "set-after-reject",
        "undeclared",
        "undeclared-third-party",
        "retention-mismatch",
        "misspelled-declaration",
        "declared-not-found",
        "unknown-cookie",
    ];
    for k in kinds {
        let sites = national.sites_by_kind.get(k).copied().unwrap_or(0);
        let n = national.by_kind.get(k).copied().unwrap_or(0);
        let _ = write!(
            out,
            "<dt>{}</dt><dd data-kind=\"{k}\">{sites} / {n}</dd>",
            escape(&lang.kind(k))
        );
    }
    out.push_str("</dl>\n");
    let _ = write!(out, "<h2>{}</h2>\n<div class=\"controls\"><label>{} <input id=\"filter\" type=\"search\"></label><label>{} <select id=\"status\"><option value=\"\">{}</option>", t(["Sites", "Nettsteder", "Nettstader"]), t(["Filter", "Filtrer", "Filtrer"]), t(["Status", "Status", "Status"]), t(["all", "alle", "alle"]));
    for s in ["ok", "unreachable", "timeout", "error", "missing"] {
        let _ = write!(out, "<option value=\"{s}\">{}</option>", status(lang, s));
    }
    out.push_str("</select></label></div>\n<div class=\"wrap\"><table id=\"sites\"><thead><tr>");
    for h in [
        ["#", "#", "#"],
        ["Site", "Nettsted", "Nettstad"],
        ["Status", "Status", "Status"],
        ["Pages", "Sider", "Sider"],
        ["Banner found", "Banner funnet", "Banner funne"],
        ["Banner pressed", "Banner trykket", "Banner trykt"],
        [
            "Set before consent",
            "Satt før samtykke",
            "Sett før samtykke",
        ],
        [
            "Set after reject",
            "Satt etter avvisning",
            "Sett etter avvising",
        ],
        ["Undeclared", "Ikke oppgitt", "Ikkje oppgitt"],
        [
            "Statement drift",
            "Avvik fra erklæringen",
            "Avvik frå erklæringa",
        ],
    ] {
        let _ = write!(out, "<th scope=\"col\">{}</th>", t(h));
    }
    out.push_str("</tr></thead><tbody>\n");
    for (i, r) in national.sites.iter().enumerate() {
        site_row(i + 1, r, lang, link_prefix, &mut out);
    }
    let _ = write!(
        out,
        "</tbody></table></div>\n<script>{SCRIPT}</script>\n</body></html>\n"
    );
    out
}
