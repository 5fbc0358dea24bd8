/* Stand-in for a Google Tag Manager container, served by the Kapsel demo on 127.0.0.1 under the
   real host name. Like a municipality's container it adds tags at run time that no page marks up:
   gtag.js with a config (statistics) and the Facebook pixel (marketing). The container's id and
   any `way` parameter are passed on to what it injects, so tests can tell requests apart. */
(function () {
  "use strict";
  var me = document.currentScript && document.currentScript.src;
  var way = (me && /[?&]way=([^&]*)/.exec(me)) || [0, "gtm"];
  var dataLayer = (window.dataLayer = window.dataLayer || []);
  (function () { dataLayer.push(arguments); })("config", "G-GTM0001");
  var s = document.createElement("script");
  s.async = true;
  s.src = "{{GTAG_ORIGIN}}/gtag/js?id=G-GTM0001&way=" + way[1] + "-gtag";
  var first = document.getElementsByTagName("script")[0];
  first.parentNode.insertBefore(s, first);
  new Image().src = "{{PIXEL_ORIGIN}}/tr?id=1000&ev=PageView&way=" + way[1] + "-pixel";
})();
