// The stored choice: the banner's `kapsel_consent` record (consent-wasm/src/record.rs writes it:
// `1~<categories>~<seconds>~<revision>[~<receipt id>]~<FNV-1a of what precedes>`), read as strictly
// as it is written. 0 when there is no such record; else its seconds·32, + 16 when it is for the
// percent-encoded revision `rev` and within `days` of its time (and not over a day ahead), + the
// granted categories (bit n: necessary, preferences, statistics, marketing; necessary always).
// The bootstrap and the guard (guard/js/guard.js, verbatim: guard/tests/generate.rs) both use it.
const kapselStored = (rev, days, v = document.cookie.match(/(^|;\s*)kapsel_consent=([^;]*)/)?.[2] || "",
    b = v.slice(0, -9), f = b.split("~"), h = 2166136261, n = 0, t = Date.now() / 1e3) => {
  for (const c of b) h = Math.imul(h ^ c.charCodeAt(), 16777619);
  if (v.slice(-9) != "~" + (h >>> 0).toString(16).padStart(8, 0) || !/^1~[^~]+~\d{1,15}(~[^~]*){1,2}$/.test(b)) return 0;
  for (const c of f[1].split(".")) n |= 1 << "necessary preferences statistics marketing".split(" ").indexOf(c);
  return n > 0 && n & 1 ? f[2] * 32 + 16 * (f[3] == rev && f[2] <= t + 86400 && t - f[2] < days * 86400) + n : 0;
};
