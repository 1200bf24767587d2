// @ts-check
// Registers the service worker that makes the page work offline, and offers a reload when a
// newer build has been installed.

/** @param {(reload: () => void) => void} onUpdate called when a new build is ready */
export async function registerOffline(onUpdate) {
  if (location.protocol === "file:") return null;
  // Over plain http to another computer (a classroom served with --lan) browsers give no service
  // worker: say that the page will not work offline from this address.
  if (!window.isSecureContext)
    /** @type {HTMLElement} */ (document.getElementById("online-only")).hidden = false;
  if (!("serviceWorker" in navigator)) return null;
  const registration = await navigator.serviceWorker.register(
    new URL("../sw.js", import.meta.url),
    { scope: "../" },
  );
  const offer = (/** @type {ServiceWorker} */ waiting) =>
    onUpdate(() => {
      navigator.serviceWorker.addEventListener("controllerchange", () => location.reload(), {
        once: true,
      });
      waiting.postMessage("activate-update");
    });
  // A build installed while an older one controls the page waits until the user agrees.
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const installing = registration.installing;
    installing?.addEventListener("statechange", () => {
      if (installing.state === "installed" && navigator.serviceWorker.controller) offer(installing);
    });
  });
  return registration;
}
