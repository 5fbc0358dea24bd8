// Drives The Markup's Blacklight collector over the benchmark site: one collect() from the front
// page with numPages = every other page (the front page links them all, so it visits the same
// page list as `kapsel scan`), in Debian's Chromium with the stand-in hosts mapped to 127.0.0.1.
// Prints a JSON line: pages visited and the cookies (name, domain) its cookie report found.
const { collect } = require('@themarkup/blacklight-collector');

(async () => {
  const [url, pages, hostRules, outDir] = process.argv.slice(2);
  const result = await collect(url, {
    numPages: Number(pages) - 1,
    headless: true,
    captureHar: false,
    saveScreenshots: false,
    outDir,
    defaultTimeout: 30000,
    puppeteerExecutablePath: process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium',
    extraChromiumArgs: [
      `--host-resolver-rules=${hostRules}`,
      '--ignore-certificate-errors',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const cookies = new Set();
  for (const c of (result.reports && result.reports.cookies) || []) {
    cookies.add(`${c.name} ${String(c.domain || '').replace(/^\./, '')}`);
  }
  console.log(JSON.stringify({
    status: result.status,
    pages: (result.browsing_history || []).length,
    cookies: [...cookies].sort(),
  }));
})().catch((e) => { console.error(e); process.exit(1); });
