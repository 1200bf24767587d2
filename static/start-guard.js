// A classic (non-module) script, run before the page's modules, so that a page whose modules
// cannot run says why instead of showing "Starting Python…" for ever:
// - opened from a file, where browsers refuse module scripts, workers and WebAssembly fetches: it
//   explains how to serve the page;
// - a module that fails to load or to run (a browser without something it needs): the page names
//   the error and what to do. Python's own start is watched by static/client.js.
(function () {
  var status = function () {
    return document.querySelector("[data-start-status]");
  };
  if (location.protocol === "file:") {
    document.addEventListener("DOMContentLoaded", function () {
      document.getElementById("file-protocol").hidden = false;
      status().textContent = "Python cannot start from a file";
    });
    return;
  }
  var first = "";
  // capture: a script that fails to load reports on its element, not on the window
  addEventListener(
    "error",
    function (event) {
      var script = event.target instanceof HTMLScriptElement ? event.target.src : "";
      if (event.target === window || script) first = first || (script ? "could not load " + script : event.message);
    },
    true,
  );
  // module scripts run before the load event; the page's sets window.ndlab once it runs
  addEventListener("load", function () {
    if (/** @type {any} */ (window).ndlab) return;
    var box = document.getElementById("message");
    var title = document.createElement("strong");
    title.textContent = "The page's scripts could not run in this browser" + (first ? ": " + first + "." : ".");
    box.replaceChildren(title, " Open this page in a current Firefox, Chrome, Edge or Safari; if this is one, reload the page.");
    box.className = "message error";
    box.hidden = false;
    status().textContent = "Python cannot start";
  });
})();
