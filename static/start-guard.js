// A classic (non-module) script, run before the page's modules, so that a page whose modules
// cannot run says why instead of showing "Starting Python…" for ever:
// - opened from a file, where browsers refuse module scripts, workers and WebAssembly fetches: it
//   explains how to serve the page;
// - a module that does not download (a dropped connection): the page names it and says to reload;
// - a module that fails to run (a browser without something it needs): the page names the error
//   and what to do. Python's own start is watched by static/client.js.
(function () {
  var status = function () {
    return /** @type {HTMLElement} */ (document.querySelector("[data-start-status]"));
  };
  if (location.protocol === "file:") {
    document.addEventListener("DOMContentLoaded", function () {
      /** @type {HTMLElement} */ (document.getElementById("file-protocol")).hidden = false;
      status().textContent = "Python cannot start from a file";
    });
    return;
  }
  var first = "";
  var missing = ""; // a module script whose graph did not download
  var loaded = false;
  var shown = false;
  function fail() {
    if (/** @type {any} */ (window).ndlab || shown) return;
    shown = true;
    var box = /** @type {HTMLElement} */ (document.getElementById("message"));
    var title = document.createElement("strong");
    title.textContent = missing
      ? "The page's scripts did not download: " + missing + " (or a module it imports)."
      : "The page's scripts could not run in this browser" + (first ? ": " + first + "." : ".");
    box.replaceChildren(
      title,
      missing
        ? " Check the connection and reload the page."
        : " Open this page in a current Firefox, Chrome, Edge or Safari; if this is one, reload the page.",
    );
    box.className = "message error";
    box.hidden = false;
    status().textContent = "Python cannot start";
  }
  // capture: a script that fails to load reports on its element, not on the window
  addEventListener(
    "error",
    function (event) {
      var script = event.target instanceof HTMLScriptElement ? event.target.src : "";
      // a module script's element reports that its graph did not download (a network error, an
      // error status); an error as a module runs reports on the window
      if (!first && script) first = missing = script;
      // the error itself, not the event's message, which engines prefix ("Uncaught …")
      if (!first && event.target === window) first = String(event.error || event.message);
      // a module still starting after the load event (see below) that fails
      if (loaded && first) fail();
    },
    true,
  );
  // Module scripts run before the load event; the page's sets window.ndlab once it runs. A module
  // may still be waiting then (app.js waits for the service worker on a first visit): it marks
  // <html data-scripts="running"> as it starts, and only an error then is a failure.
  addEventListener("load", function () {
    loaded = true;
    if (document.documentElement.dataset.scripts === "running" && !first) return;
    fail();
  });
})();
