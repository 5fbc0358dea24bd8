// Kapsel receipts (receipts/README.md), loaded by the bootstrap (bootstrap.js) only when the
// declaration names a receipt service; built into kapsel-receipts.js by scripts/build-banner.sh.
// The visitor's receipt id is the one their consent record keeps, else a fresh UUID v4
// (crypto.randomUUID: the CSPRNG of getRandomValues; secure contexts only — elsewhere no id, no
// receipts). `start` hands it to the banner, which writes it into the record and shows it in the
// settings layer ("Samtykke-ID: …") once a choice went out with it; every saved choice
// then goes out with sendBeacon: nothing waits for it, it outlives the reload a withdrawal causes,
// and a dead service changes nothing for the visitor.
export default (declaration, lang, start) => {
  const id = document.cookie.match(/consent=1~[^;]*~([\w-]{36})~/)?.[1] || crypto.randomUUID?.();
  start(id);
  // The receipt holds what only the page knows; the service derives site, revision, refused and
  // the method from it (the consent object starts with the four categories).
  if (id) document.addEventListener("kapsel:consent", ({ detail }) => navigator.sendBeacon(declaration.receipts, JSON.stringify({
    id, declaration, granted: Object.keys(detail).slice(0, 4).filter((c) => detail[c]),
    // `at`: a Date, which JSON writes as its ISO 8601 UTC string.
    lang, banner: "KAPSEL_VERSION", at: new Date(),
  })));
};
