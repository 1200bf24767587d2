// @ts-check
// The worker's downloads, counted and checked: Pyodide's go through `self.fetch`, their bytes
// counted as they travel for the page's progress bar; a large file with a .zst twin is fetched as
// the twin and unpacked here; a package or a file of the build is checked against the sha256 its
// list names (with WebCrypto, or the browser's `integrity` where there is none).
import { EVENT } from "../static/protocol.js";
import { broadcast } from "./transport.js";
import { hex, zstdDecoder } from "./zstd.js";

/** Where the build puts Pyodide: its runtime, its lock and its packages. */
export const PYODIDE_URL = new URL("../pyodide/", import.meta.url).href;
/** @type {Record<string, string>} the types of the files with .zst twins the worker fetches */
const MIME = { ".wasm": "application/wasm", ".bin": "application/octet-stream" };

/**
 * Whether this worker fetches the .zst twins the build writes and unpacks them itself (Zstandard
 * packs them a quarter smaller than gzip, whatever the host compresses): with WebCrypto to check
 * the unpacked bytes (without it, a fetch's `integrity` checks the plain file).
 */
const unpacks = () => Boolean(crypto.subtle);

/**
 * Pyodide's downloads, through `self.fetch`: their bytes are counted as they travel for the
 * page's progress bar (the expected total comes from build.json, which the build writes); a file
 * with a .zst twin (build.json's `packed`) is fetched as the twin and unpacked here when the
 * worker can (`unpacks`); packages can be requested ahead, to be handed to Pyodide when it asks
 * for them with the same integrity.
 * @param {any} build build.json
 */
export function watchDownloads(build) {
  /** @type {Map<string, {size: number, sha256: string}>} the twins, by the plain file's path */
  const packed = new Map(unpacks() ? Object.entries(build.packed) : []);
  const zstd = zstdDecoder();
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
  /** @type {WeakSet<Response>} responses unpacked from a twin whose sha256 was checked */
  const checkedTwins = new WeakSet();
  const counted = async (
    /** @type {RequestInfo | URL} */ input,
    /** @type {RequestInit | undefined} */ init = undefined,
    /** @type {Options} */ { after, shown = true } = {},
  ) => {
    const url = String(input instanceof Request ? input.url : input);
    const twin = url.startsWith(site) && !init?.integrity && packed.get(url.slice(site.length));
    if (twin) zstd.load().catch(() => {}); // compiled while the twin travels; failures come later
    let response = twin ? await fetchOriginal(`${url}.zst`, init) : undefined;
    const viaTwin = Boolean(response?.ok); // else the plain file (a twin gone missing)
    if (!response || !viaTwin) response = await fetchOriginal(input, init);
    if (!response.body) return response;
    const counter = new TransformStream({
      transform(chunk, controller) {
        if (shown) loaded += chunk.byteLength;
        report();
        controller.enqueue(chunk);
      },
    });
    const body = response.body.pipeThrough(counter);
    if (!twin || !viaTwin) {
      const { status, statusText, headers } = response;
      return new Response(body, { status, statusText, headers });
    }
    // what the plain file would have been sent as (WebAssembly.instantiateStreaming needs it)
    const headers = new Headers({
      "Content-Type": MIME[url.slice(url.lastIndexOf("."))] ?? "application/octet-stream",
    });
    const bytes = await new Response(body).arrayBuffer();
    // a host that sends the twin zstd-encoded itself has had it unpacked by the browser already
    if (response.headers.get("Content-Encoding")?.includes("zstd"))
      return new Response(bytes, { status: 200, headers });
    await after?.catch(() => {});
    const size = build.files[url.slice(site.length)];
    const unpacked = await zstd.unpackChecked(bytes, twin.sha256, size, `${url}.zst`);
    const plain = new Response(unpacked, { headers });
    checkedTwins.add(plain);
    return plain;
  };
  /**
   * Download `url` and check it against the sha256 that `list` names for it. With WebCrypto its
   * bytes are counted as they arrive (a fetch with `integrity` yields nothing until the whole
   * file is there), then hashed; WebCrypto needs a secure context (https or this computer):
   * elsewhere `integrity` checks it.
   * @param {string} url @param {string} sha256 hex @param {string} list the file that names it
   * @param {Options & {signal?: AbortSignal}} [options] `signal` stops the download
   */
  const checked = async (url, sha256, list, { signal, ...options } = {}) => {
    if (!crypto.subtle) return counted(url, { integrity: sri(sha256), signal }, options);
    const response = await counted(url, { signal }, options);
    if (!response.ok || checkedTwins.has(response)) return response;
    const bytes = await response.arrayBuffer();
    const digest = hex(await crypto.subtle.digest("SHA-256", bytes));
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
     * Request Pyodide's WebAssembly now, for Pyodide to take when it asks for it (as it fetches
     * it: without integrity): it is the first large file a start needs, compiled while the rest
     * comes.
     */
    requestRuntime() {
      const url = `${PYODIDE_URL}pyodide.asm.wasm`;
      const response = counted(url);
      response.catch(() => {}); // a failure reaches Pyodide, which asks for this response
      ahead.set(url, { integrity: "", response });
    },
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
     * @param {Options & {signal?: AbortSignal}} [options] `signal` stops the download
     */
    async file(path, sha256, list, options = {}) {
      const url = new URL(`../${path}`, import.meta.url).href;
      const response = await checked(url, sha256, list, options);
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

/** @typedef {ReturnType<typeof watchDownloads>} Downloads the start-up's downloads, watched */

/**
 * @typedef {object} Options of a download
 * @property {Promise<unknown>} [after] its twin unpacks once this settles (it downloads meanwhile)
 * @property {boolean} [shown] whether its bytes count in the start's progress (true)
 */

/** The Subresource Integrity of a sha256 digest. @param {string} hex */
const sri = (hex) =>
  `sha256-${btoa(String.fromCharCode(.../** @type {string[]} */ (hex.match(/../g)).map((/** @type {string} */ h) => parseInt(h, 16))))}`;

/** A JSON file of the build. @param {string} path relative to worker/ */
export const fetchJson = async (path) => (await fetch(new URL(path, import.meta.url))).json();
