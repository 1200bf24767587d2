// A classic (non-module) script, because browsers refuse module scripts, workers and
// WebAssembly fetches on pages opened from a file: it explains what to do instead of leaving a
// page that silently does nothing.
if (location.protocol === "file:") {
  document.addEventListener("DOMContentLoaded", function () {
    var box = /** @type {HTMLElement} */ (document.getElementById("file-protocol"));
    box.hidden = false;
    var text = /** @type {HTMLElement} */ (document.getElementById("runtime-text"));
    text.textContent = "Python cannot start from a file";
  });
}
