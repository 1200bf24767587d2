// The service worker: keeps this build's files in a cache named for the build, serves from it,
// and deletes the caches of older builds. build.py copies it to the site's root with
// `const BUILD_ID = "…";` in front, so each build is a new version.
//
// Nothing is fetched twice. On a first visit it controls the page before Python's worker starts
// (offline.js), and keeps each response as it passes: so the cache holds exactly what this
// browser's start needed (the snapshot where it was restored, the packages where it was refused)
// and the packages learners' code imported. After the first result the page asks it to add the
// rest of the site (build.json's "precache": the page, samples, lab data, the code editor),
// taken from the browser's HTTP cache where the page already loaded it.
/* global BUILD_ID */
const CACHE = `ndlab-${BUILD_ID}`;
/** Where the page itself lives: cached under both names, from one download. */
const PAGE = ["./", "index.html"];

self.addEventListener("install", (event) => {
  // A first install waits for nothing (the page's own downloads fill the cache). An update
  // fills its cache now, from the older one, while the older build still serves the page.
  event.waitUntil(
    (async () => {
      const older = (await caches.keys()).filter((n) => n.startsWith("ndlab-") && n !== CACHE);
      if (older.length) await carryOver(await caches.open(older[older.length - 1]));
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
  if (event.data === "precache") {
    const done = precache().then(
      (report) => ({ type: "precached", ...report }),
      (error) => ({ type: "precache-failed", message: String(error?.message ?? error) }),
    );
    event.waitUntil(done.then((reply) => event.source?.postMessage(reply)));
  }
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      // The page's own URL carries its state in the fragment, which never reaches here.
      const hit = await cache.match(request, { ignoreSearch: true });
      if (hit) return hit;
      const response = await fetch(request);
      // (a URL with a query is made for it, as the classroom's code: not a file of the build)
      if (response.status === 200 && response.type === "basic" && !url.search)
        event.waitUntil(cache.put(request, response.clone()).catch(() => {}));
      return response;
    })(),
  );
});

/**
 * The build's description, from this cache (the page's worker fetched it) or the network.
 * @param {Cache} cache
 */
async function buildOf(cache) {
  let response = await cache.match("build.json");
  if (!response) {
    response = await fetch("build.json", { cache: "no-cache" });
    if (!response.ok) throw new Error(`build.json answered ${response.status}`);
  }
  const build = await response.clone().json();
  if (build.id !== BUILD_ID)
    throw new Error(`build.json is build ${build.id}, this worker is ${BUILD_ID}`);
  await cache.put("build.json", response);
  return build;
}

/**
 * Add the files of build.json's "precache" that the cache lacks: from the HTTP cache when the
 * page already loaded them (checked against their sha256: an entry of an older visit is fetched
 * anew), else from the network. Returns what it fetched.
 */
async function precache() {
  const cache = await caches.open(CACHE);
  const build = await buildOf(cache);
  const wanted = build.precache.filter((path) => path !== PAGE[1]);
  const missing = [];
  for (const path of [PAGE[0], ...wanted]) if (!(await cache.match(path))) missing.push(path);
  const fetched = await Promise.all(
    missing.map(async (path) => {
      const digest = build.sha256[path === PAGE[0] ? PAGE[1] : path];
      let response = await fetch(path, { cache: "force-cache" });
      if (!response.ok || (await sha256(response.clone())) !== digest)
        response = await fetch(path, { cache: "no-cache" });
      if (!response.ok) throw new Error(`${path} answered ${response.status}`);
      await Promise.all(
        PAGE.includes(path)
          ? PAGE.map((p) => cache.put(p, response.clone()))
          : [cache.put(path, response)],
      );
      return path;
    }),
  );
  return { fetched, cached: (await cache.keys()).length };
}

/**
 * An update's cache: each file the older cache holds (what this browser used) that the new build
 * still has, copied when unchanged (same sha256 in the two build.json), fetched when changed;
 * then the new build's precache list.
 * @param {Cache} older
 */
async function carryOver(older) {
  const cache = await caches.open(CACHE);
  const build = await buildOf(cache);
  const olderBuild = await (await older.match("build.json"))?.json();
  const scope = new URL(self.registration.scope);
  for (const request of await older.keys()) {
    const path = new URL(request.url).pathname.slice(scope.pathname.length) || PAGE[0];
    if (path === "build.json") continue;
    const name = path === PAGE[0] ? PAGE[1] : path.replace(/\.(gz|zst)$/, "");
    if (!(name in build.sha256)) continue;
    const same = olderBuild && olderBuild.sha256?.[name] === build.sha256[name];
    const response = same
      ? await older.match(request)
      : await fetch(request, { cache: "no-cache" });
    if (response?.ok) await cache.put(request, response);
  }
  await precache();
}

/** The sha256 of a response's body, in hex. @param {Response} response */
async function sha256(response) {
  const digest = await crypto.subtle.digest("SHA-256", await response.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
