// Drives Debian's Chromium (playwright-core, one persistent profile) over the Kapsel page and the
// peer page: what the browser downloads for the banner (gzip -9) and the median time from
// navigation start to the banner being visible. Loads alternate between the two pages, cache off
// (every load is a first visit), cookies cleared in between so the banner shows every time.
// Usage: node bench.mjs <site-url> <host-resolver-rules> <loads>
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { spawnSync } from "node:child_process";

const [siteUrl, rules, loadsArg] = process.argv.slice(2);
const loads = Number(loadsArg || 20);
const pages = [
  { name: "Kapsel", path: "with-kapsel/", selector: "#kapsel-banner" },
  { name: "vanilla-cookieconsent 3.1.0 + iframemanager 1.3.0", path: "with-peer/", selector: "#cc-main .cm" },
  // The same Kapsel page with consent receipts on: its declaration names a receipt service (added
  // to the served declaration below), so the banner also fetches its receipts module. No choice
  // is made, so nothing is ever sent to that service.
  { name: "Kapsel, declaration with consent receipts", path: "with-kapsel/", selector: "#kapsel-banner", receipts: true },
  // The same page with the guard first in <head>, as one tag: guard.js (the site's guard, generated
  // from its declaration, with the banner's classic build at its end) starts the banner.
  { name: "Kapsel with the guard (one tag)", path: "with-guard/", selector: "#kapsel-banner" },
];
// Not part of the banner: the page, its own assets, the declaration (and the peer's equivalent,
// its configuration), and the stand-in trackers (nothing may load before consent anyway).
const notBanner = (url) =>
  /\/(kapsel\.json|config\.js|ga-init\.js)$/.test(url.pathname) ||
  url.pathname.endsWith("/") ||
  url.port !== new URL(siteUrl).port;

const profile = mkdtempSync(join(tmpdir(), "kapsel-bench-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.KAPSEL_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--ignore-certificate-errors", `--host-resolver-rules=${rules}`,
  ],
});
await context.addInitScript(() => {
  const selector = location.pathname.startsWith("/with-peer") ? "#cc-main .cm" : "#kapsel-banner";
  const visible = (e) => {
    if (!e) return false;
    const r = e.getBoundingClientRect();
    const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none" && parseFloat(s.opacity) > 0;
  };
  const check = () => {
    if (window.__bannerAt === undefined && visible(document.querySelector(selector))) {
      window.__bannerAt = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  const frame = () => { check(); if (window.__bannerAt === undefined) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
});
const page = context.pages()[0] || (await context.newPage());
const cdp = await context.newCDPSession(page);
await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });

async function load(p, record) {
  await context.clearCookies();
  const bodies = [];
  const onResponse = async (response) => {
    const url = new URL(response.url());
    if (notBanner(url)) return;
    try {
      bodies.push({ url: url.pathname, bytes: await response.body() });
    } catch { /* redirects have no body */ }
  };
  if (record) page.on("response", onResponse);
  await page.unroute(/\/kapsel\.json$/);
  if (p.receipts) {
    await page.route(/\/kapsel\.json$/, async (route) => {
      const response = await route.fetch();
      const json = { ...(await response.json()), receipts: new URL("/v1/receipts", siteUrl).href };
      await route.fulfill({ response, json });
    });
  }
  await page.goto(siteUrl + p.path, { waitUntil: "load" });
  await page.waitForFunction(() => window.__bannerAt !== undefined, null, { timeout: 15000 });
  const at = await page.evaluate(() => window.__bannerAt);
  if (record) {
    await page.waitForLoadState("networkidle");
    page.off("response", onResponse);
  }
  return { at, bodies };
}

// `gzip -9` itself (GNU gzip and zlib differ by a few bytes); zlib only when gzip is missing.
const gzip9 = (bytes) => {
  const r = spawnSync("gzip", ["-9", "-c"], { input: bytes, maxBuffer: 1 << 26 });
  return r.status === 0 ? r.stdout.length : gzipSync(bytes, { level: 9 }).length;
};

const results = pages.map((p) => ({ ...p, times: [], files: [] }));
// Warm-up (not counted), and one recorded load each for the downloads.
for (const r of results) {
  const { bodies } = await load(r, true);
  r.files = bodies.map((b) => ({ url: b.url, raw: b.bytes.length, gz: gzip9(b.bytes) }));
}
for (let i = 0; i < loads; i++) {
  for (const r of results) r.times.push((await load(r, false)).at);
}
await context.close();
rmSync(profile, { recursive: true, force: true });

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const total = (r) => r.files.reduce((a, f) => a + f.gz, 0);
for (const r of results) {
  console.log(`\n${r.name}  (${siteUrl}${r.path})`);
  for (const f of r.files) console.log(`  ${f.url.padEnd(40)} ${String(f.raw).padStart(7)} B raw ${String(f.gz).padStart(7)} B gzip -9`);
  console.log(`  ${"all banner downloads".padEnd(40)} ${String(total(r)).padStart(23)} B gzip -9`);
  console.log(`  navigation start → banner visible, ${loads} loads: median ${median(r.times).toFixed(1)} ms ` +
    `(min ${Math.min(...r.times).toFixed(1)}, max ${Math.max(...r.times).toFixed(1)})`);
}
const [k, p, kr, kg] = results;
console.log(`\n${"".padEnd(34)}${"Kapsel".padStart(12)}${"peer".padStart(12)}${"Kapsel/peer".padStart(14)}`);
console.log(`${"banner downloads, gzip -9 (B)".padEnd(34)}${String(total(k)).padStart(12)}${String(total(p)).padStart(12)}${(total(k) / total(p)).toFixed(2).padStart(14)}`);
console.log(`${"  with consent receipts".padEnd(34)}${String(total(kr)).padStart(12)}${String(total(p)).padStart(12)}${(total(kr) / total(p)).toFixed(2).padStart(14)}`);
console.log(`${"  with the guard (one tag)".padEnd(34)}${String(total(kg)).padStart(12)}${String(total(p)).padStart(12)}${(total(kg) / total(p)).toFixed(2).padStart(14)}`);
console.log(`${"median time to banner (ms)".padEnd(34)}${median(k.times).toFixed(1).padStart(12)}${median(p.times).toFixed(1).padStart(12)}${(median(k.times) / median(p.times)).toFixed(2).padStart(14)}`);
console.log(`${"  with consent receipts".padEnd(34)}${median(kr.times).toFixed(1).padStart(12)}${median(p.times).toFixed(1).padStart(12)}${(median(kr.times) / median(p.times)).toFixed(2).padStart(14)}`);
console.log(`${"  with the guard (one tag)".padEnd(34)}${median(kg.times).toFixed(1).padStart(12)}${median(p.times).toFixed(1).padStart(12)}${(median(kg.times) / median(p.times)).toFixed(2).padStart(14)}`);
const met = (b) => (b ? "met" : "NOT met");
console.log(`targets: Kapsel ≤ 15360 B gzip -9 (${met(total(k) <= 15360)}; with receipts ${met(total(kr) <= 15360)}); ` +
  `with the guard ≤ 16384 B (${met(total(kg) <= 16384)}); ` +
  `time ratio ≤ 1.00 (${met(median(k.times) / median(p.times) <= 1)})`);
