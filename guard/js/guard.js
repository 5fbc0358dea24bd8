// Kapsel guard: the template `kapsel catalogue resolve --guard` compiles a site's map of hosts to
// categories into (the design is in guard/src/lib.rs). The generator replaces `KAPSEL_CONFIG` by
// `[{host: category bits}, percent-encoded revision, consent lifetime in days]`; bit n is the
// category C[n]. A synchronous classic script, first in <head>: no inline script, no eval.
((w, d) => {
  let K = KAPSEL_CONFIG,
    H = K[0],
    C = "necessary preferences statistics marketing".split(" "),
    E = Element.prototype,
    SA = E.setAttribute,
    m = 1, // granted categories (necessary always)
    decided = 0,
    queue = [], // [bits, go, no]: network calls waiting for a choice
    imgs = [], // pixels held back, inserted or not (`new Image()`)
    dl,
    A = d.createElement("a"),
    GD = Object.getOwnPropertyDescriptor,
    DP = Object.defineProperty,
    IH = GD(E, "innerHTML"),
    // Google Consent Mode: the storage types and the category bit that grants each.
    mode = (kind, o = {}) => {
      "ad_storage ad_user_data ad_personalization analytics_storage functionality_storage personalization_storage security_storage"
        .split(" ").forEach((k, i) => (o[k] = m & "8884221"[i] ? "granted" : "denied"));
      (function () { dl.push(arguments); })("consent", kind, o);
    },
    // The categories a URL's host needs that are not granted (0: let it through). The page's own
    // host and hosts the map does not name always pass; `a.b.c` is looked up as a.b.c, b.c, c.
    need = (u, h) => {
      // An anchor resolves as the page does (its base URL) and never throws.
      A.href = u;
      h = A.hostname;
      if (!u || h == location.hostname) return 0;
      for (; h; h = h.slice(h.indexOf(".") + 1 || h.length)) if (H[h]) return H[h] & ~m && H[h];
      return 0;
    },
    // Runs `go` once the categories `n` are granted; `no` (if any) when the visitor refused them.
    wait = (n, go, no) => (n & ~m ? (decided && no ? no() : queue.push([n, go, no])) : go()),
    // Neutralises a script, iframe or img whose `src` (or `u`, about to become it) needs a category
    // not granted, into the banner's markup contract: a script gets `type="text/plain"
    // data-consent=…` (1: its `src` may still be set), an iframe or img `data-src` instead of
    // `src` (2). 0: left alone.
    stop = (e, u = e.getAttribute("src"), t = e.tagName, n = /^(SCRIPT|IFRAME|IMG)$/.test(t) && need(u)) => {
      // Not a tracker, or a script already inert (marked up for the banner, or neutralised).
      if (!n || e.type == "text/plain") return 0;
      SA.call(e, "data-consent", C.filter((c, i) => n >> i & 1).join(" "));
      // A script's own type (`module`) goes to `data-type`, where the banner looks for it.
      if (t == "SCRIPT") return e.type && SA.call(e, "data-type", e.type), SA.call(e, "type", "text/plain"), 1;
      SA.call(e, "data-src", u);
      e.removeAttribute("src");
      t == "IMG" && imgs.push(e);
      return 2;
    },
    scan = (n) => {
      n.nodeType == 1 && stop(n);
      n.querySelectorAll && n.querySelectorAll("script,iframe,img").forEach((e) => stop(e));
    },
    // Markup given as a string: parsed inert (a template), neutralised, and handed on rewritten
    // only when something was stopped.
    clean = (s, t = d.createElement("template"), hit = 0) => {
      if (!/<(script|iframe|img)/i.test(s)) return s;
      IH.set.call(t, s);
      t.content.querySelectorAll("script,iframe,img").forEach((e) => (hit |= stop(e)));
      return hit ? IH.get.call(t) : s;
    },
    wrap = (p, k, f = p[k]) =>
      (p[k] = function (...a) {
        a.forEach((n) => n instanceof Node && scan(n));
        return f.apply(this, a);
      }),
    N = navigator,
    B = N.sendBeacon,
    F = w.fetch,
    X = XMLHttpRequest.prototype,
    XO = X.open,
    XS = X.send,
    IA = E.insertAdjacentHTML;

  // Nothing to block: pass everything through, change nothing.
  if (!Object.keys(H).length) return;

  // The stored choice, read exactly as the banner's bootstrap reads it: the function below is
  // consent-wasm/js/stored-choice.js verbatim (guard/tests/generate.rs checks it).
  const kapselStored = (rev, days, v = document.cookie.match(/(^|;\s*)kapsel_consent=([^;]*)/)?.[2] || "",
      b = v.slice(0, -9), f = b.split("~"), h = 2166136261, n = 0, t = Date.now() / 1e3) => {
    for (const c of b) h = Math.imul(h ^ c.charCodeAt(), 16777619);
    if (v.slice(-9) != "~" + (h >>> 0).toString(16).padStart(8, 0) || !/^1~[^~]+~\d{1,15}(~[^~]*){1,2}$/.test(b)) return 0;
    for (const c of f[1].split(".")) n |= 1 << "necessary preferences statistics marketing".split(" ").indexOf(c);
    return n > 0 && n & 1 ? f[2] * 32 + 16 * (f[3] == rev && f[2] <= t + 86400 && t - f[2] < days * 86400) + n : 0;
  };
  let s = kapselStored(K[1], K[2]);
  if (s & 16) (m = s & 15), (decided = 1);

  // Consent Mode denied by default before any Google tag can run; the stored choice next.
  dl = w.dataLayer = w.dataLayer || [];
  mode("default");
  decided && mode("update");

  // The HTML parser (and anything else that inserts): neutralised before a script is prepared.
  new MutationObserver((l) => l.forEach((r) => r.addedNodes.forEach(scan))).observe(d, {
    childList: true,
    subtree: true
  });

  // Other scripts: `src` set by property or attribute, nodes inserted, markup strings written.
  [HTMLScriptElement, HTMLIFrameElement, HTMLImageElement].forEach((k, o) => {
    o = GD(k.prototype, "src");
    DP(k.prototype, "src", {
      get: o.get,
      set(v) {
        stop(this, v) > 1 || o.set.call(this, v);
      }
    });
  });
  E.setAttribute = function (k, v) {
    /^src$/i.test(k) && stop(this, v) > 1 || SA.call(this, k, v);
  };
  "appendChild insertBefore replaceChild".split(" ").forEach((k) => wrap(Node.prototype, k));
  "append prepend before after replaceWith insertAdjacentElement".split(" ").forEach((k) => wrap(E, k));
  DP(E, "innerHTML", {
    get: IH.get,
    set(v) {
      IH.set.call(this, /^(SCRIPT|STYLE)$/.test(this.tagName) ? v : clean(v));
    }
  });
  E.insertAdjacentHTML = function (p, s) {
    IA.call(this, p, clean(s));
  };
  for (let k of ["write", "writeln"]) {
    let f = d[k];
    d[k] = (...a) => f.apply(d, a.map((s) => clean("" + s)));
  }

  // Beacons, fetch and XMLHttpRequest to a blocked host wait for the choice: sent if granted,
  // dropped (fetch rejected, XHR aborted) if refused.
  if (B) N.sendBeacon = (...a) => (wait(need(a[0]), () => B.apply(N, a), Object), !0);
  w.fetch = (...a) =>
    new Promise((ok, no) =>
      wait(need(a[0].url || a[0]), () => ok(F.apply(w, a)), () => no(new TypeError()))
    );
  X.open = function (...a) {
    this.k$ = a[1]; // the URL, for `send`
    XO.apply(this, a);
  };
  X.send = function (...a) {
    wait(need(this.k$), () => XS.apply(this, a), () => this.abort());
  };

  // A choice (the banner's `kapsel:consent`): what is now granted goes, what was refused stays off.
  // The banner activates held scripts and iframes itself, in document order; pixels are ours.
  d.addEventListener("kapsel:consent", (e) => {
    m = 1;
    C.forEach((c, i) => e.detail[c] && (m |= 1 << i));
    decided = 1;
    mode("update");
    queue = queue.filter((q) => (q[0] & ~m ? (q[2] ? q[2]() : 1) : q[1]()) === 1);
    imgs = [...imgs, ...d.querySelectorAll("img[data-consent][data-src]")].filter((e, u) => {
      u = e.getAttribute("data-src");
      if (!u || need(u)) return u;
      e.removeAttribute("data-src");
      e.removeAttribute("data-consent");
      e.src = u;
    });
  });
})(window, document);
