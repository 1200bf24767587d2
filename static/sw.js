// The service worker: precaches every file of this build (listed in build.json) under a cache
// named for the build, serves from it, and deletes the caches of older builds. build.py copies
// it to the site's root with `const BUILD_ID = "…";` in front, so each build is a new version.
/* global BUILD_ID */
const CACHE = `ndlab-${BUILD_ID}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const response = await fetch("build.json", { cache: "no-cache" });
      const build = await response.json();
      if (build.id !== BUILD_ID)
        throw new Error(`build.json is build ${build.id}, this worker is ${BUILD_ID}`);
      const cache = await caches.open(CACHE);
      // the files the worker fetches as .gz twins and unpacks itself (worker/startup.js)
      const twins = typeof DecompressionStream === "function" ? build.packed : {};
      const names = Object.keys(build.files).map((name) => (name in twins ? `${name}.gz` : name));
      await cache.addAll(["./", "build.json", ...names]);
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("ndlab-") && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "activate-update") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      // The page's own URL carries its state in the fragment, which never reaches here.
      const hit = await cache.match(event.request, { ignoreSearch: true });
      return hit ?? fetch(event.request);
    })(),
  );
});
