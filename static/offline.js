// @ts-check
// Registers the service worker that makes the page work offline, and offers a reload when a
// newer build has been installed.
//
// On a first visit the page waits for the service worker to control it before starting Python,
// so that the worker's downloads pass through it and are kept (sw.js): nothing is fetched twice.
// Once the first result is shown, `precache` has it add the rest of the site; the page's root
// element then says data-offline="ready".

/**
 * Register the service worker; resolve once it controls the page, or at once when it already
 * does (the registration, and the browser's check for a newer build, go on meanwhile), cannot, or
 * is not installed (a hard reload leaves the page uncontrolled: so be it).
 * @param {(reload: () => void) => void} onUpdate called when a new build is ready
 * @returns {Promise<void>}
 */
export async function registerOffline(onUpdate) {
  if (location.protocol === "file:") return;
  // Over plain http to another computer (a classroom served with --lan) browsers give no service
  // worker: say that the page will not work offline from this address.
  if (!window.isSecureContext)
    /** @type {HTMLElement} */ (document.getElementById("online-only")).hidden = false;
  if (!("serviceWorker" in navigator)) return;
  // register() waits behind the browser's own update check, which may take seconds on a busy
  // machine: a page already controlled does not wait for it
  const registered = register(navigator.serviceWorker, onUpdate);
  if (!navigator.serviceWorker.controller) await registered;
}

/**
 * Register the service worker, offer a newer build when one is installed, and wait for a first
 * one to claim the page.
 * @param {ServiceWorkerContainer} serviceWorker @param {(reload: () => void) => void} onUpdate
 */
async function register(serviceWorker, onUpdate) {
  let registration;
  try {
    registration = await serviceWorker.register(new URL("../sw.js", import.meta.url), {
      scope: "../",
    });
    if (!registration) throw new Error("the browser registered no service worker");
  } catch (error) {
    // Python starts all the same: only without the offline copy.
    console.warn("ndlab: offline support is not available:", error);
    return;
  }
  const offer = (/** @type {ServiceWorker} */ waiting) =>
    onUpdate(() => {
      serviceWorker.addEventListener("controllerchange", () => location.reload(), { once: true });
      waiting.postMessage("activate-update");
    });
  // A build installed while an older one controls the page waits until the user agrees.
  if (registration.waiting && serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const installing = registration.installing;
    installing?.addEventListener("statechange", () => {
      if (installing.state === "installed" && serviceWorker.controller) offer(installing);
    });
  });
  const newest = registration.installing ?? registration.waiting ?? registration.active;
  if (!serviceWorker.controller && newest && newest.state !== "activated") await claimed(newest);
}

/**
 * Wait until the first service worker has claimed the page (sw.js's activate, which the browser
 * announces before it is "activated"), or has failed to install.
 * @param {ServiceWorker} worker
 */
function claimed(worker) {
  return new Promise((resolve) => {
    navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true });
    worker.addEventListener("statechange", () => {
      if (worker.state === "activated" || worker.state === "redundant") resolve(undefined);
    });
  });
}

/**
 * Have the service worker that controls the page cache the rest of the site (after the first
 * result, so that it competes neither with Python's start nor with the first run).
 */
export function precache() {
  const controller = navigator.serviceWorker?.controller;
  if (!controller) return;
  navigator.serviceWorker.addEventListener("message", function done(event) {
    if (event.data?.type === "precache-failed")
      console.warn("ndlab: the site could not be cached for offline use:", event.data.message);
    else if (event.data?.type !== "precached") return;
    navigator.serviceWorker.removeEventListener("message", done);
    document.documentElement.dataset.offline = event.data.type === "precached" ? "ready" : "failed";
  });
  controller.postMessage("precache");
}
