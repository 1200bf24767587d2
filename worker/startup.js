// @ts-check
// The worker's start-up, in named stages (as JupyterLite's pyodide-kernel names its own):
// readBuild, then either restoreSnapshot or initRuntime → initPackages, then importNdlab. The
// downloads are counted for the page's progress bar and checked against the sha256 the build
// lists; every stage reports to every connection through the transport's broadcast.
// @ts-ignore: build.py copies Pyodide here from its npm package
import { loadPyodide } from "../pyodide/pyodide.mjs";
import { EVENT } from "../static/protocol.js";
import { closure, filesOf, profileMismatch, restoreSnapshot } from "./snapshot.js";
import { broadcast, runtime } from "./transport.js";

const PYODIDE_URL = new URL("../pyodide/", import.meta.url).href;
/** @type {Record<string, string>} the types of the files with .gz twins the worker fetches */
const MIME = { ".wasm": "application/wasm", ".json": "application/json", ".js": "text/javascript" };
const started = performance.now();

/**
 * Whether this worker fetches the .gz twins the build writes and unpacks them itself, so that
 * the bytes that travel do not depend on the host compressing: with DecompressionStream, and
 * with WebCrypto to check the unpacked bytes (without it, a fetch's `integrity` checks the
 * plain file).
 */
const unpacks = () => typeof DecompressionStream === "function" && Boolean(crypto.subtle);

/**
 * The body of a response to a .gz twin, unpacked. A host that sends the twin gzip-encoded
 * itself (some map .gz to `Content-Encoding: gzip`) has had it unpacked by the browser already.
 * @param {Response} response @param {ReadableStream<Uint8Array>} body
 */
const unpacked = (response, body) =>
  response.headers.get("Content-Encoding")?.includes("gzip")
    ? body
    : body.pipeThrough(/** @type {any} */ (new DecompressionStream("gzip")));

/**
 * Pyodide's downloads, through `self.fetch`: their bytes are counted as they travel for the
 * page's progress bar (the expected total comes from build.json, which the build writes); a file
 * with a .gz twin (build.json's `packed`) is fetched as the twin and unpacked here when the
 * worker can (`unpacks`); packages can be requested ahead, to be handed to Pyodide when it asks
 * for them with the same integrity.
 * @param {any} build build.json
 */
function watchDownloads(build) {
  const packed = unpacks() ? new Set(Object.keys(build.packed)) : new Set();
  const total = packed.size ? build.startup_bytes : build.startup_bytes_plain;
  const site = new URL("../", import.meta.url).href;
  let loaded = 0;
  let stage = "Downloading Python, NumPy and SciPy";
  let reported = -Infinity;
  /** Tell the pages, at each percent (every chunk would be thousands of messages). */
  const report = (always = false) => {
    if (!always && loaded - reported < total / 100) return;
    reported = loaded;
    broadcast({ type: EVENT.progress, stage, loaded, total });
  };
  const fetchOriginal = self.fetch.bind(self);
  /** @type {Map<string, {integrity: string, response: Promise<Response>}>} by URL */
  const ahead = new Map();
  const counted = async (
    /** @type {RequestInfo | URL} */ input,
    /** @type {RequestInit | undefined} */ init = undefined,
  ) => {
    const url = String(input instanceof Request ? input.url : input);
    const twin = url.startsWith(site) && !init?.integrity && packed.has(url.slice(site.length));
    let response = twin ? await fetchOriginal(`${url}.gz`, init) : undefined;
    const viaTwin = Boolean(response?.ok); // else the plain file (a twin gone missing)
    if (!response || !viaTwin) response = await fetchOriginal(input, init);
    if (!response.body) return response;
    const counter = new TransformStream({
      transform(chunk, controller) {
        loaded += chunk.byteLength;
        report();
        controller.enqueue(chunk);
      },
    });
    const body = response.body.pipeThrough(counter);
    if (!viaTwin) {
      const { status, statusText, headers } = response;
      return new Response(body, { status, statusText, headers });
    }
    // what the plain file would have been sent as (WebAssembly.instantiateStreaming needs it)
    const headers = new Headers({
      "Content-Type": MIME[url.slice(url.lastIndexOf("."))] ?? "application/octet-stream",
    });
    return new Response(unpacked(response, body), { status: 200, headers });
  };
  /**
   * Download `url` and check it against the sha256 that `list` names for it. With WebCrypto its
   * bytes are counted as they arrive (a fetch with `integrity` yields nothing until the whole
   * file is there), then hashed; WebCrypto needs a secure context (https or this computer):
   * elsewhere `integrity` checks it.
   * @param {string} url @param {string} sha256 hex @param {string} list the file that names it
   * @param {AbortSignal} [signal] stops the download
   */
  const checked = async (url, sha256, list, signal = undefined) => {
    if (!crypto.subtle) return counted(url, { integrity: sri(sha256), signal });
    const response = await counted(url, { signal });
    if (!response.ok) return response;
    const bytes = await response.arrayBuffer();
    const digest = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (b) =>
      b.toString(16).padStart(2, "0"),
    ).join("");
    if (digest !== sha256)
      throw new TypeError(`${url} is not the file ${list} names (its sha256 is ${digest}).`);
    return new Response(bytes, { status: 200, headers: response.headers });
  };
  self.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const early = ahead.get(url);
    if (early && early.integrity === (init?.integrity ?? "")) {
      ahead.delete(url);
      return early.response;
    }
    return counted(input, init);
  };
  return {
    /**
     * Request these packages now; Pyodide, or the snapshot's start, asks for them once it has
     * started. (The lock lists matplotlib and micropip too: they load only when learners' code
     * imports them.)
     * @param {any[]} entries lock entries
     */
    requestAhead(entries) {
      for (const entry of entries) {
        const url = new URL(entry.file_name, PYODIDE_URL).href;
        const integrity = sri(entry.sha256);
        const response = checked(url, entry.sha256, "pyodide-lock.json");
        response.catch(() => {}); // a failure reaches Pyodide, which asks for this response
        ahead.set(url, { integrity, response });
      }
    },
    /**
     * A file of the build, its bytes counted and checked against the sha256 `list` names.
     * @param {string} path relative to the site @param {string} sha256 hex @param {string} list
     * @param {AbortSignal} signal stops the download
     */
    async file(path, sha256, list, signal) {
      const response = await checked(
        new URL(`../${path}`, import.meta.url).href,
        sha256,
        list,
        signal,
      );
      if (!response.ok) throw new Error(`${path} answered ${response.status}`);
      return response.arrayBuffer();
    },
    /** The runtime is up: what remains is loading the packages (some may still download). */
    runtimeStarted() {
      stage = "Loading NumPy, SciPy and ndlab";
      report(true);
    },
    restore() {
      self.fetch = fetchOriginal;
    },
  };
}

/** The Subresource Integrity of a sha256 digest. @param {string} hex */
const sri = (hex) =>
  `sha256-${btoa(String.fromCharCode(.../** @type {string[]} */ (hex.match(/../g)).map((/** @type {string} */ h) => parseInt(h, 16))))}`;

/** @param {string} path relative to this file */
export const fetchJson = async (path) => (await fetch(new URL(path, import.meta.url))).json();

/**
 * @typedef {object} Python the started interpreter
 * @property {any} pyodide Pyodide's API
 * @property {any} py the ndlab.bridge.jobs module proxy, with `toBytes`
 */

/**
 * Start Python, NumPy, SciPy and ndlab, reporting each stage; then tell every connection it is
 * ready, with the timings of the stages.
 * @returns {Promise<Python>}
 */
export async function start() {
  // Pyodide's runtime script, fetched and run while the rest comes (loadPyodide finds it there)
  import(`${PYODIDE_URL}pyodide.asm.js`).catch(() => {}); // a failure reaches loadPyodide
  const [build, lock] = await Promise.all([
    fetchJson("../build.json"),
    fetchJson("../pyodide/pyodide-lock.json"),
  ]);
  const entries = closure(lock, "ndlab");
  const downloads = watchDownloads(build);
  /** @type {Record<string, any>} */
  const timings = { snapshot: build.snapshot ? "" : "none in this build" };
  let pyodide;
  if (build.snapshot) {
    try {
      pyodide = await fromSnapshot(build, lock, entries, downloads);
      timings.snapshot = "restored";
      timings.runtime_ms = timings.load_ms = performance.now() - started;
    } catch (error) {
      timings.snapshot = `refused: ${error?.message ?? error}`;
      console.warn(`ndlab: Python starts without its snapshot, which was ${timings.snapshot}`);
    }
  }
  if (!pyodide) {
    pyodide = await initRuntime(build, entries, downloads);
    timings.runtime_ms = performance.now() - started;
    await initPackages(pyodide, downloads);
    timings.load_ms = performance.now() - started;
  }
  downloads.restore();
  const loaded = performance.now();
  const py = importNdlab(pyodide);
  const imported = performance.now();
  Object.assign(timings, { startup_ms: imported - started, import_ms: imported - loaded });
  broadcast({ type: EVENT.ready, timings, runtime });
  return { pyodide, py };
}

/**
 * Start Python from the build's snapshot (worker/snapshot.js); throws when it does not fit.
 * @param {any} build build.json @param {any} lock @param {any[]} entries
 * @param {ReturnType<typeof watchDownloads>} downloads
 */
async function fromSnapshot(build, lock, entries, downloads) {
  const { snapshot } = build;
  const meta = await fetchJson(`../${snapshot.meta}`);
  // decided from the metadata, before the snapshot's tens of megabytes download
  const mismatch = profileMismatch(meta.profile);
  if (mismatch)
    throw new Error(`it was made in an engine that lays out functions otherwise (${mismatch})`);
  const downloading = new AbortController();
  const { signal } = downloading;
  const bytes = downloads
    .file(snapshot.file, meta.sha256[snapshot.file], snapshot.meta, signal)
    .then((b) => new Uint8Array(b));
  const files = downloads
    .file(snapshot.files, meta.sha256[snapshot.files], snapshot.meta, signal)
    .then((image) => filesOf(image, meta.files));
  return restoreSnapshot(loadPyodide, PYODIDE_URL, {
    bytes,
    meta,
    lock,
    entries,
    files,
    abort: () => downloading.abort(),
  });
}

/**
 * The usual start, without a snapshot: Pyodide's runtime, its packages requested meanwhile (the
 * downloads report the stage "Downloading Python, NumPy and SciPy").
 * @param {any} build build.json @param {any[]} entries ndlab's closure in the lock
 * @param {ReturnType<typeof watchDownloads>} downloads
 */
async function initRuntime(build, entries, downloads) {
  // From the network, the packages download while Pyodide's runtime downloads and starts, not
  // after it. From the service worker's cache (named as in sw.js) they come at once: asking
  // early would only take the processor from Pyodide's start.
  const cached = await self.caches?.has(`ndlab-${build.id}`).catch(() => false);
  if (!cached) downloads.requestAhead(entries);
  return loadPyodide({ indexURL: PYODIDE_URL });
}

/**
 * NumPy, SciPy and ndlab loaded into the runtime (some may still download). Pyodide reports a package it could not load
 * (unreachable, or not the file the lock names) and goes on; stop here instead, with its reason,
 * rather than fail later on an import.
 * @param {any} pyodide @param {ReturnType<typeof watchDownloads>} downloads
 */
async function initPackages(pyodide, downloads) {
  downloads.runtimeStarted();
  /** @type {string[]} */
  const failures = [];
  await pyodide.loadPackage("ndlab", {
    messageCallback: () => {},
    errorCallback: (/** @type {string} */ m) => failures.push(m),
  });
  if (failures.length) throw new Error(failures.join(" "));
}

/** Import ndlab's bridge, the module every job calls. @param {any} pyodide */
function importNdlab(pyodide) {
  broadcast({ type: EVENT.progress, stage: "Importing ndlab", loaded: 1, total: 1 });
  const py = pyodide.pyimport("ndlab.bridge.jobs");
  // JS bytes become Python bytes through this (one copy).
  py.toBytes = pyodide.runPython("lambda buffer: buffer.to_bytes()");
  return py;
}
