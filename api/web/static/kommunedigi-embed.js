/* For a page that frames kommunedigi widgets (/embed/indicators/{code}): include it once,
   <script src="https://<kommunedigi>/static/kommunedigi-embed.js" defer></script>, and
   each widget's iframe takes the height its widget reports. A message is believed only
   from the iframe it names itself by (its window) and only from that iframe's own origin. */
(function () {
  "use strict";
  var WIDGET = /\/embed\/indicators\/[^/?#]+/;

  function originOf(frame) {
    try {
      return new URL(frame.src, document.baseURI).origin;
    } catch (error) {
      return null;
    }
  }

  function widgets() {
    var found = [];
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (WIDGET.test(frames[i].src)) found.push(frames[i]);
    }
    return found;
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "kommunedigi:height" || typeof data.height !== "number") return;
    if (!(data.height > 0 && data.height < 100000)) return;
    var frames = widgets();
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source && originOf(frames[i]) === event.origin) {
        frames[i].style.height = Math.ceil(data.height) + "px";
        return;
      }
    }
  });

  // Widgets that loaded before this script listened have spoken already: ask them again.
  function ask() {
    var frames = widgets();
    for (var i = 0; i < frames.length; i++) {
      var origin = originOf(frames[i]);
      if (origin && origin !== "null" && frames[i].contentWindow) {
        frames[i].contentWindow.postMessage({ type: "kommunedigi:ask-height" }, origin);
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ask);
  } else {
    ask();
  }
})();
