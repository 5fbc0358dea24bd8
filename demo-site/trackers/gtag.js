/* Stand-in for Google's gtag.js, served by the Kapsel demo on 127.0.0.1 under the real host name.
   It does what the real script does where cookies are concerned: it reads the dataLayer (Consent
   Mode included), writes _ga, _ga_<container-id> and _gid on the page's own domain, and sends a
   page_view to www.google-analytics.com/g/collect. With analytics_storage denied it writes no
   cookie and sends a cookieless ping, like the real one. */
(function () {
  "use strict";
  var collect = "{{COLLECT_ORIGIN}}/g/collect";
  var dataLayer = (window.dataLayer = window.dataLayer || []);
  var consent = { analytics_storage: "granted" };
  var configured = [];

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) return parts[i].slice(eq + 1);
    }
    return null;
  }
  function writeCookie(name, value, seconds) {
    document.cookie = name + "=" + value + "; max-age=" + seconds + "; path=/; SameSite=Lax";
  }
  function random() {
    return Math.floor(Math.random() * 2147483647);
  }
  function now() {
    return Math.floor(Date.now() / 1000);
  }
  function pageView(measurementId) {
    var storage = consent.analytics_storage === "granted";
    var clientId = "";
    if (storage) {
      var ga = readCookie("_ga") || "GA1.1." + random() + "." + now();
      writeCookie("_ga", ga, 63072000);
      writeCookie("_ga_" + measurementId.replace(/^G-/, ""), "GS1.1." + now() + ".1.0." + now() + ".0.0.0", 63072000);
      writeCookie("_gid", readCookie("_gid") || "GA1.1." + random() + "." + now(), 86400);
      clientId = ga.split(".").slice(2).join(".");
    }
    var url = collect + "?v=2&tid=" + encodeURIComponent(measurementId) +
      "&gcs=" + (storage ? "G111" : "G100") +
      (clientId ? "&cid=" + clientId : "") +
      "&en=page_view&dl=" + encodeURIComponent(location.href);
    if (navigator.sendBeacon) {
      navigator.sendBeacon(url);
    } else {
      new Image().src = url;
    }
  }
  function handle(args) {
    if (!args || !args.length) return;
    if (args[0] === "consent" && args[2] && typeof args[2] === "object") {
      var before = consent.analytics_storage;
      for (var key in args[2]) consent[key] = args[2][key];
      if (args[1] === "update" && before !== "granted" && consent.analytics_storage === "granted") {
        configured.forEach(pageView);
      }
    } else if (args[0] === "config" && typeof args[1] === "string") {
      configured.push(args[1]);
      pageView(args[1]);
    }
  }

  var queued = dataLayer.slice();
  dataLayer.push = function () {
    for (var i = 0; i < arguments.length; i++) handle(arguments[i]);
    return Array.prototype.push.apply(dataLayer, arguments);
  };
  queued.forEach(handle);
})();
