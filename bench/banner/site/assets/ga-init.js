// Google Analytics configuration as an external file, for pages under a strict CSP (no inline script).
window.dataLayer = window.dataLayer || [];
function gtag() { window.dataLayer.push(arguments); }
gtag("js", new Date());
gtag("config", "G-TEST1");
