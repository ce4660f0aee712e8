/* The widget's height, told to the page that frames it, on load and whenever it changes:
   {type: "kommunedigi:height", height: <CSS pixels>, src: <this address>}. The host page's
   kommunedigi-embed.js sets the iframe's height from it; a page without that script
   ignores the message and the iframe keeps the height it was given. */
(function () {
  "use strict";
  if (window.parent === window) return; // not framed: nobody to tell
  var told = -1;
  function tell() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === told) return;
    told = height;
    // Any origin may frame the widget, and the message holds nothing secret.
    window.parent.postMessage({ type: "kommunedigi:height", height: height, src: location.href }, "*");
  }
  // The host script asks again when it starts after the widget has spoken.
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data && event.data.type === "kommunedigi:ask-height") {
      told = -1;
      tell();
    }
  });
  if (typeof ResizeObserver === "function") {
    new ResizeObserver(tell).observe(document.documentElement);
  }
  window.addEventListener("resize", tell);
  window.addEventListener("load", tell);
  tell();
})();
