//! The banner's CSS, adopted as a constructable stylesheet. Contrast ≥ 4.5:1 throughout (#1a1a1a
//! and #1d3d6e on white), a visible focus ring, reflow down to 320 px, motion only without
//! `prefers-reduced-motion: reduce`. Every rule is scoped to Kapsel's own ids and classes.

/// The stylesheet.
pub const CSS: &str = "\
#kapsel-banner,.kapsel-ph{box-sizing:border-box;background:#fff;color:#1a1a1a;font:16px/1.5 system-ui,sans-serif;text-align:left}\
#kapsel-banner{position:fixed;z-index:2147483000;inset:auto 0 0;max-height:100%;overflow:auto;border-top:3px solid #1d3d6e;box-shadow:0 -2px 12px #0005}\
#kapsel-banner *{box-sizing:border-box}\
.kapsel-in{max-width:60rem;margin:auto;padding:1rem}\
#kapsel-banner h2{font-size:1.25rem;margin:0 0 .5rem}\
#kapsel-banner p,#kapsel-banner ul{margin:0 0 .75rem}\
#kapsel-banner a,#kapsel-banner summary{color:#1d3d6e;text-decoration:underline;cursor:pointer}\
.kapsel-btns{display:flex;flex-wrap:wrap;gap:.5rem}\
.kapsel-btn,#kapsel-reopen{flex:1 1 12rem;min-height:2.75rem;margin:0;padding:.5rem 1rem;font:600 1rem/1.3 system-ui,sans-serif;border:2px solid #1d3d6e;border-radius:4px;background:#1d3d6e;color:#fff;cursor:pointer}\
.kapsel-sec{background:#fff;color:#1d3d6e}\
#kapsel-banner :focus-visible,#kapsel-reopen:focus-visible,.kapsel-ph :focus-visible{outline:3px solid #1a1a1a;outline-offset:2px;box-shadow:0 0 0 5px #fff}\
#kapsel-banner:focus-visible{outline-offset:-4px}\
.kapsel-cat{border-top:1px solid #767676;padding-top:.75rem}\
.kapsel-sw{display:flex;align-items:center;gap:.5rem;font-weight:600}\
.kapsel-sw input{width:1.25rem;height:1.25rem;margin:0;accent-color:#1d3d6e}\
.kapsel-t{width:100%;border-collapse:collapse;table-layout:fixed;font-size:.875rem;margin:.5rem 0}\
.kapsel-t th,.kapsel-t td{border:1px solid #767676;padding:.25rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}\
#kapsel-reopen{position:fixed;z-index:2147483000;left:.5rem;bottom:.5rem;min-height:0;padding:.375rem .75rem;font-size:.875rem;border-color:#fff}\
.kapsel-ph{display:flex;flex-direction:column;justify-content:center;align-items:flex-start;gap:.5rem;max-width:100%;overflow:auto;padding:1rem;background:#f2f2f2;border:1px solid #767676}\
.kapsel-ph p{margin:0}\
.kapsel-ph+iframe{display:none!important}\
.kapsel-ph .kapsel-btn{flex:none}\
@media (prefers-reduced-motion:no-preference){#kapsel-banner{animation:kapsel-in .2s ease-out}}\
@keyframes kapsel-in{from{transform:translateY(2rem);opacity:.5}}\
@media (max-width:30rem){.kapsel-btn{flex-basis:100%}}\
";
