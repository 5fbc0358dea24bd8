// Kapsel's own banner finder, used when autoconsent's rules know no banner on the page, and to
// measure any banner (whoever presses it). Evaluated in the page's main world as
// `(SCRIPT)(op, choice)`; op is 'find' (locate and measure), 'press' (find, then click the button
// for choice) or 'gone' (is the banner found earlier still shown?). Searches the document, open
// shadow roots and same-origin iframes; reads button words by stem in nb, nn, en, da and sv and
// decides accept vs reject by meaning; prefers buttons inside a banner-like element.
((op, choice) => {
  const KEY = Symbol.for('kapsel.banner');
  const MAX_ELEMENTS = 30000;
  const visible = (el) => {
    if (!el || !el.isConnected) return false;
    const rects = el.getClientRects();
    if (!rects.length) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return false;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement || (e.getRootNode && e.getRootNode().host)) {
      const st = getComputedStyle(e);
      if (st.display === 'none' || st.visibility === 'hidden' || Number(st.opacity) === 0) return false;
    }
    return true;
  };
  if (op === 'gone') {
    const root = window[KEY];
    return { known: !!root, shown: !!root && visible(root) };
  }

  // Every root to search: the document, open shadow roots, same-origin iframe documents.
  const roots = [];
  let seen = 0;
  const walk = (root, depth) => {
    roots.push(root);
    if (depth > 5) return;
    const all = root.querySelectorAll('*');
    for (let i = 0; i < all.length && seen < MAX_ELEMENTS; i++, seen++) {
      const el = all[i];
      if (el.shadowRoot) walk(el.shadowRoot, depth + 1);
      if (el.tagName === 'IFRAME' || el.tagName === 'FRAME') {
        try { if (el.contentDocument && el.contentDocument.documentElement) walk(el.contentDocument, depth + 1); } catch (e) {}
      }
    }
  };
  walk(document, 0);

  const norm = (s) => String(s || '').toLowerCase().normalize('NFKC').replace(/[^\p{L}\p{N} ]+/gu, ' ').replace(/\s+/g, ' ').trim();
  const label = (el) => norm(el.innerText || el.value || el.getAttribute('aria-label') || el.getAttribute('title') || el.textContent);
  const COOKIE_WORDS = /cookie|informasjonskaps|informasjonskaps|kapslar|samtykk|consent|personvern|privacy|kakor|kager|tracking|sporing|gdpr/;
  const has = (words, w) => words.some((s) => w.startsWith(s));
  const ONLY = ['only', 'just', 'kun', 'bare', 'berre', 'endast', 'enbart', 'einungis'];
  const NECESSARY = ['necess', 'essential', 'required', 'strictly', 'technical', 'nødvend', 'nodvend', 'naudsyn', 'naudsynt', 'påkrev', 'teknisk', 'nödvänd', 'nodvand', 'nødvendig', 'funktionel', 'functional'];
  const REJECT = ['avvis', 'avslå', 'avsla', 'nekt', 'reject', 'declin', 'deny', 'refus', 'disallow', 'afvis', 'afslå', 'afsla', 'neka', 'avböj', 'avboj', 'avvisa', 'forkast', 'opt'];
  const NEGATION = ['ikke', 'ikkje', 'not', 'don', 'dont', 'inte', 'uten', 'utan', 'without', 'nei', 'no', 'nej', 'ikkje'];
  const ACCEPT = ['godta', 'godtek', 'godkjen', 'godkänn', 'godkann', 'godkend', 'aksept', 'accept', 'tillat', 'tillad', 'tillåt', 'tillat', 'allow', 'agree', 'samtykk', 'acceptera', 'enig', 'forstått', 'forstår', 'understand', 'yes', 'ja', 'ok', 'okay', 'got', 'continu', 'fortsett'];
  const OTHER = ['innstill', 'instill', 'tilpass', 'settings', 'setting', 'preferen', 'manage', 'customi', 'administr', 'velg', 'choose',
    'select', 'detal', 'details', 'more', 'learn', 'personali', 'konfigur', 'inställ', 'indstil', 'anpass', 'tilpas', 'save', 'lagre',
    'valg', 'valgt', 'valde', 'valda', 'valgte', 'option', 'alternativ', 'privacy', 'personvern', 'policy', 'erklæring', 'close', 'lukk',
    'stäng', 'mer', 'les', 'lær', 'vel'];
  const ALL = ['all', 'alle', 'alt', 'allt', 'everything'];
  const NO = ['nei', 'no', 'nej'];
  // 'accept', 'reject' or null, by meaning: "only … necessary", negated consent and "no thanks"
  // are rejects; settings, save and read-more buttons are neither.
  const meaning = (t) => {
    if (!t || t.length > 90) return null;
    const w = t.split(' ');
    const necessary = w.some((x) => has(NECESSARY, x));
    if (necessary && (w.some((x) => ONLY.includes(x)) || !w.some((x) => ALL.includes(x)))) return 'reject';
    if (w.some((x) => has(REJECT, x) && x !== 'opt') || t.includes('opt out')) return 'reject';
    if (NO.includes(w[0]) && w.length <= 2) return 'reject';
    const acceptAt = w.findIndex((x) => has(ACCEPT, x));
    if (acceptAt < 0) return null;
    if (w.some((x, i) => NEGATION.includes(x) && i !== acceptAt && Math.abs(i - acceptAt) <= 3)) return 'reject';
    const other = w.some((x) => OTHER.includes(x) || has(OTHER.filter((s) => s.length > 4), x));
    if (other && !w.some((x) => ALL.includes(x))) return null;
    if (other && w.some((x) => ['select', 'velg', 'choose'].some((s) => x.startsWith(s)))) return null;
    if (/^(continu|fortsett)/.test(w[acceptAt]) && w.length > 1) return null;
    return 'accept';
  };

  // The banner-like element around a node: fixed/sticky, a dialog, a high z-index layer, or a
  // block whose text speaks of cookies. Crosses shadow boundaries.
  const up = (e) => e.parentElement || (e.getRootNode && e.getRootNode() instanceof ShadowRoot ? e.getRootNode().host : null);
  const bannerOf = (el) => {
    let layer = null, cookieBlock = null;
    for (let e = up(el), n = 0; e && e.nodeType === 1 && e.tagName !== 'BODY' && e.tagName !== 'HTML' && n < 40; e = up(e), n++) {
      const st = getComputedStyle(e);
      const role = (e.getAttribute('role') || '').toLowerCase();
      const z = parseInt(st.zIndex, 10);
      const isLayer = st.position === 'fixed' || st.position === 'sticky' || role === 'dialog' || role === 'alertdialog'
        || e.getAttribute('aria-modal') === 'true' || e.tagName === 'DIALOG' || (st.position !== 'static' && z >= 100);
      const text = norm(e.innerText || e.textContent).slice(0, 4000);
      if (!cookieBlock && COOKIE_WORDS.test(text) && text.length < 4000) cookieBlock = e;
      if (isLayer && !layer) { layer = e; if (COOKIE_WORDS.test(text)) return { root: e, score: 5 }; }
    }
    if (layer) return { root: layer, score: 3 };
    if (cookieBlock) return { root: cookieBlock, score: 2 };
    return { root: null, score: 0 };
  };

  const SELECTOR = 'button, [role="button"], [role="link"], input[type="button"], input[type="submit"], a, [onclick]';
  const candidates = [];
  for (const root of roots) {
    const list = root.querySelectorAll(SELECTOR);
    for (let i = 0; i < list.length && candidates.length < 3000; i++) {
      const el = list[i];
      if (!visible(el)) continue;
      const t = label(el);
      const m = meaning(t);
      if (!m) continue;
      const href = el.getAttribute('href');
      if (el.tagName === 'A' && href && !href.startsWith('#') && !href.startsWith('javascript') && el.getAttribute('role') !== 'button') continue;
      const { root: banner, score } = bannerOf(el);
      const cookieText = COOKIE_WORDS.test(t);
      if (score === 0 && !cookieText) continue;
      candidates.push({ el, t, m, banner, score: score + (cookieText ? 1 : 0) });
    }
  }
  candidates.sort((a, b) => b.score - a.score);
  // The banner: the best-scoring one holding an accept or reject button.
  const top = candidates[0];
  const banner = top ? top.banner : null;
  const inBanner = (c) => !banner || c.banner === banner || banner.contains(c.el) || (c.banner && banner.contains(c.banner));
  const pick = (m) => candidates.find((c) => c.m === m && inBanner(c)) || null;
  const accept = pick('accept'), reject = pick('reject');

  const rgba = (s) => { const m = String(s).match(/[\d.]+/g) || []; return { r: +m[0] || 0, g: +m[1] || 0, b: +m[2] || 0, a: m[3] === undefined ? 1 : +m[3] }; };
  const lum = ({ r, g, b }) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => {
    for (let e = el; e && e.nodeType === 1; e = up(e)) { const c = rgba(getComputedStyle(e).backgroundColor); if (c.a >= 0.5) return c; }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const measure = (c) => {
    if (!c) return null;
    const el = c.el, st = getComputedStyle(el), r = el.getBoundingClientRect();
    const fg = rgba(st.color), bg = background(el);
    const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ownBg = rgba(st.backgroundColor).a >= 0.1;
    const border = parseFloat(st.borderTopWidth) > 0 && rgba(st.borderTopColor).a > 0.1 && st.borderTopStyle !== 'none';
    return {
      text: c.t, tag: el.tagName.toLowerCase(), area: Math.round(r.width * r.height), width: Math.round(r.width), height: Math.round(r.height),
      font_weight: parseInt(st.fontWeight, 10) || 400, font_size: parseFloat(st.fontSize) || 0,
      contrast: Math.round(((l1 + 0.05) / (l2 + 0.05)) * 100) / 100,
      looks_like_link: !ownBg && !border,
    };
  };
  // Consent categories ticked before the visitor chose: in the banner (hidden settings layers
  // included), not disabled, not about necessary cookies.
  const preTicked = [];
  if (banner) {
    const scope = [banner];
    banner.querySelectorAll('*').forEach((e) => { if (e.shadowRoot) scope.push(e.shadowRoot); });
    if (banner.shadowRoot) scope.push(banner.shadowRoot);
    for (const s of scope) {
      s.querySelectorAll('input[type="checkbox"], [role="switch"], [role="checkbox"]').forEach((box) => {
        const on = box.tagName === 'INPUT' ? box.checked : box.getAttribute('aria-checked') === 'true';
        const off = box.disabled || box.getAttribute('aria-disabled') === 'true';
        let text = '';
        if (box.labels && box.labels[0]) text = box.labels[0].innerText || box.labels[0].textContent;
        if (!text && box.closest('label')) text = box.closest('label').textContent;
        text = norm(text || box.getAttribute('aria-label') || box.name || box.id);
        const necessary = text.split(' ').some((x) => has(NECESSARY, x));
        if (on && !off && !necessary) preTicked.push(text.slice(0, 60));
      });
    }
  }
  const markers = [['kapsel', '#kapsel-banner'], ['cookiebot', '#CybotCookiebotDialog'], ['onetrust', '#onetrust-banner-sdk, #onetrust-consent-sdk'],
    ['cookieyes', '.cky-consent-container'], ['klaro', '.klaro'], ['vanilla-cookieconsent', '#cc-main, #cc_div'], ['tarteaucitron', '#tarteaucitronRoot'],
    ['orejime', '.orejime-Root'], ['osano-cookieconsent', '.cc-window'], ['usercentrics', '#usercentrics-root']];
  let platform = null;
  for (const [name, sel] of markers) { if (document.querySelector(sel)) { platform = name; break; } }
  const out = {
    found: !!banner, platform,
    text: banner ? norm(banner.innerText || banner.textContent).slice(0, 300) : null,
    accept: measure(accept), reject: measure(reject), pre_ticked: preTicked, clicked: null,
  };
  if (banner) window[KEY] = banner;
  if (op === 'press') {
    const target = choice === 'accept' ? accept : reject;
    if (target) { out.clicked = target.t; target.el.click(); }
  }
  return out;
})
