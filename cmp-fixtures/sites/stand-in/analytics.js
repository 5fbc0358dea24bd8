// Stand-in for a web analytics tag: sets a first-party `_ga` client-id cookie the way Google
// Analytics' gtag.js does (two years, path /), from script, with no network request.
(function () {
  var id = 'GA1.1.' + Math.floor(Math.random() * 1e9) + '.' + Math.floor(Date.now() / 1000);
  document.cookie = '_ga=' + id + '; max-age=63072000; path=/; SameSite=Lax';
  window.__standInAnalyticsLoaded = true;
})();
