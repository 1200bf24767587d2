// @ts-check
// The Pyodide worker: loads Python, NumPy, SciPy and ndlab, then answers requests one at a time.
// It never touches the DOM. It runs as a dedicated worker for the page, or as a shared worker
// that every embedded demo on a host page connects to, so they share one Python.
// Protocol (see static/client.js), per connection:
//   page -> worker  {id, type: "run", name, params, image: {buffer, width, height}}  (buffer transferred)
//                   {type: "status"} -> {type: "status", runtime}
//                   {type: "probe"}: after each "started"; if that run never answered -> "crashed"
//   worker -> page  {type: "progress", stage, loaded, total}
//                   {type: "ready", timings, runtime} | {type: "failed", error}
//                   {id, ok: true, meta, image: {buffer, width, height}}             (buffer transferred)
//                   {id, ok: false, error: {type, message, hint}}
//                   {type: "crashed", message}: this Python is gone; start a fresh worker
import { loadPyodide } from "../pyodide/pyodide.mjs";

const PYODIDE_URL = new URL("../pyodide/", import.meta.url).href;
const started = performance.now();
/** @type {any} */
let pyodide;
/** @type {any} the ndlab.labs.web module, once a lab has run */
let labs;

/** Who this runtime is, for pages that check their demos share one. (Not crypto.randomUUID:
 * browsers have it only in secure contexts, and a classroom's LAN address over http is not one.) */
const runtime = { id: Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(16)).join("-"), shared: "onconnect" in self, connections: 0 };
/** @type {Set<MessagePort | Worker>} every connection: the page, or each embedded demo */
const ports = new Set();
/** The start-up messages so far, replayed to a demo that connects later. */
const startup = [];

/** Send to every connection (start-up progress and readiness). @param {any} message */
function broadcast(message) {
  if (message.type === "progress") startup.splice(0, startup.length, ...startup.filter((m) => m.type !== "progress"));
  startup.push(message);
  for (const port of ports) port.postMessage(message);
}

/**
 * Pyodide's downloads, through `self.fetch`: their bytes are counted for the page's progress bar
 * (the expected total comes from build.json, which the build writes), and packages can be
 * requested ahead, to be handed to Pyodide when it asks for them with the same integrity.
 * @param {number} total
 */
function watchDownloads(total) {
  let loaded = 0;
  let stage = "Downloading Python, NumPy and SciPy";
  const report = () => broadcast({ type: "progress", stage, loaded, total });
  const fetchOriginal = self.fetch.bind(self);
  /** @type {Map<string, {integrity: string, response: Promise<Response>}>} by URL */
  const ahead = new Map();
  const counted = async (/** @type {RequestInfo | URL} */ input, /** @type {RequestInit=} */ init) => {
    const response = await fetchOriginal(input, init);
    if (!response.body) return response;
    const counter = new TransformStream({
      transform(chunk, controller) {
        loaded += chunk.byteLength;
        report();
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(counter), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  /**
   * Download `url`, counting its bytes as they arrive (a fetch with `integrity` yields nothing
   * until the whole file is there), then check it against the lock's sha256 as that would.
   * WebCrypto needs a secure context (https or this computer): elsewhere `integrity` does it.
   * @param {string} url @param {string} sha256 hex
   */
  const checked = async (url, sha256) => {
    const response = await counted(url);
    if (!response.ok) return response;
    const bytes = await response.arrayBuffer();
    const digest = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
    if (digest !== sha256) throw new TypeError(`${url} is not the file pyodide-lock.json names (its sha256 is ${digest}).`);
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
    /** Request the lock's packages now; Pyodide asks for them once it has started. @param {any} lock */
    requestAhead(lock) {
      for (const entry of Object.values(lock.packages)) {
        const url = new URL(entry.file_name, PYODIDE_URL).href;
        const integrity = `sha256-${btoa(String.fromCharCode(...entry.sha256.match(/../g).map((/** @type {string} */ h) => parseInt(h, 16))))}`;
        const response = crypto.subtle ? checked(url, entry.sha256) : counted(url, { integrity });
        response.catch(() => {}); // a failure reaches Pyodide, which asks for this response
        ahead.set(url, { integrity, response });
      }
    },
    /** The runtime is up: what remains is loading the packages (some may still download). */
    runtimeStarted() {
      stage = "Loading NumPy, SciPy and ndlab";
      report();
    },
    restore() {
      self.fetch = fetchOriginal;
    },
  };
}

/** @param {string} path relative to this file */
const fetchJson = async (path) => (await fetch(new URL(path, import.meta.url))).json();

async function start() {
  const [build, lock] = await Promise.all([fetchJson("../build.json"), fetchJson("../pyodide/pyodide-lock.json")]);
  const downloads = watchDownloads(build.startup_bytes);
  // From the network, the packages download while Pyodide's runtime downloads and starts, not
  // after it. From the service worker's cache (named as in sw.js) they come at once: asking
  // early would only take the processor from Pyodide's start.
  const cached = await self.caches?.has(`ndlab-${build.id}`).catch(() => false);
  if (!cached) downloads.requestAhead(lock);
  pyodide = await loadPyodide({ indexURL: PYODIDE_URL });
  const runtimeLoaded = performance.now();
  downloads.runtimeStarted();
  // Pyodide reports a package it could not load (unreachable, or not the file the lock names)
  // and goes on; stop here instead, with its reason, rather than fail later on an import.
  /** @type {string[]} */
  const failures = [];
  await pyodide.loadPackage("ndlab", { messageCallback: () => {}, errorCallback: (/** @type {string} */ m) => failures.push(m) });
  if (failures.length) throw new Error(failures.join(" "));
  downloads.restore();
  const loaded = performance.now();
  broadcast({ type: "progress", stage: "Importing ndlab", loaded: 1, total: 1 });
  const web = pyodide.pyimport("ndlab.web");
  const imported = performance.now();
  // JS bytes become Python bytes through this (one copy).
  web.toBytes = pyodide.runPython("lambda buffer: buffer.to_bytes()");
  const timings = { startup_ms: performance.now() - started, runtime_ms: runtimeLoaded - started, load_ms: loaded - started, import_ms: imported - loaded };
  broadcast({ type: "ready", timings, runtime });
  return web;
}

const ready = start();
ready.catch((error) =>
  broadcast({
    type: "failed",
    error: {
      type: error?.name ?? "Error",
      message: String(error?.message ?? error),
      hint: "Python could not start. Reload the page; if it keeps failing, rebuild with `python3 build.py build`.",
    },
  }),
);

/**
 * Copy RGBA pixels from a transferred buffer into a fresh NumPy array: the one copy in.
 * @param {any} web the ndlab.web module proxy
 * @param {{buffer: ArrayBuffer, width: number, height: number}} image
 */
function toNumpy(web, image) {
  const array = web.alloc(image.height, image.width);
  const view = array.getBuffer("u8");
  try {
    view.data.set(new Uint8Array(image.buffer));
  } finally {
    view.release();
  }
  return array;
}

/**
 * Take a Python (uint8 array, meta JSON) pair apart: the one copy out, proxies destroyed.
 * @param {any} pair
 */
function fromPair(pair) {
  try {
    const meta = JSON.parse(pair.get(1));
    const array = pair.get(0);
    try {
      const view = array.getBuffer("u8");
      try {
        const [height, width] = view.shape;
        return { meta, image: { buffer: view.data.slice().buffer, width, height } };
      } finally {
        view.release();
      }
    } finally {
      array.destroy();
    }
  } finally {
    pair.destroy();
  }
}

/** Request handlers by type; each returns {meta, image?} or {meta, bytes?}. */
const handlers = {
  /** Run one operation on RGBA pixels. */
  run(web, { name, params, image }) {
    const t0 = performance.now();
    const input = toNumpy(web, image);
    try {
      const t1 = performance.now();
      const pair = web.run_rgba(name, input, JSON.stringify(params ?? {}));
      const t2 = performance.now();
      const out = fromPair(pair);
      out.meta.timings = { ...out.meta.timings, copy_in_ms: t1 - t0, python_ms: t2 - t1, copy_out_ms: performance.now() - t2 };
      out.meta.memory_mb = memoryMB();
      return out;
    } finally {
      input.destroy();
    }
  },

  /** Run one operation and return its underlying array as .npy bytes (float where it is float). */
  npy(web, request) {
    const { meta } = handlers.run(web, request);
    if (meta.error) return { meta };
    const npy = web.result_npy();
    try {
      return { meta, bytes: npy.toJs() };
    } finally {
      npy.destroy();
    }
  },

  /** Import a .npy or .mat array as an image. */
  read_array(web, { bytes, filename, variable }) {
    const data = web.toBytes(bytes);
    try {
      return fromPair(web.read_array(data, filename, variable ?? ""));
    } finally {
      data.destroy();
    }
  },

  /** Run a SciPy lab; ndlab.labs is imported on first use, so start-up does not pay for it. */
  lab(web, { id, name, params }, reply) {
    labs ??= pyodide.pyimport("ndlab.labs.web");
    const progress = (fraction, message) => reply({ type: "job-progress", id, fraction, message });
    return { meta: JSON.parse(labs.run_lab_json(name, JSON.stringify(params ?? {}), progress)) };
  },

  /** The whole pipeline as one runnable NumPy/SciPy script. */
  pipeline_code(web, { steps, image }) {
    const input = toNumpy(web, image);
    try {
      return { meta: { code: web.pipeline_code(JSON.stringify(steps), input) } };
    } finally {
      input.destroy();
    }
  },
};

/** The size of Python's WebAssembly memory, in MB (it grows, never shrinks). */
function memoryMB() {
  return (pyodide._module?.HEAP8?.byteLength ?? 0) / 1e6;
}

/** Whether the interpreter still runs Python after an error. */
function alive() {
  try {
    return pyodide.runPython("1 + 1") === 2;
  } catch {
    return false;
  }
}

/**
 * The request whose Python call is under way. Calls are synchronous, so the worker handles
 * messages only between them: a message that finds one under way means the call was stopped from
 * outside (the browser or a debugger ended its JavaScript) and will never answer.
 * @type {any}
 */
let underway = null;

/** Tell every connection that this Python is gone, and close, so each starts a fresh worker. @param {string} message */
function crash(message) {
  for (const port of ports) port.postMessage({ type: "crashed", message });
  self.close();
}

/** A result's transferable buffers. */
const transferables = (result) => [result.image?.buffer, result.bytes?.buffer].filter(Boolean);

/** Requests cancelled before they started, per connection. @type {WeakMap<object, Set<number>>} */
const cancelled = new WeakMap();
/** @type {Int32Array | null} shared with the page, which writes SIGINT (2) into it to cancel */
let interrupt = null;

/** @param {any} request @param {MessagePort | Worker} port the connection that asked */
async function handle(request, port) {
  if (cancelled.get(port)?.delete(request.id)) return;
  const reply = (/** @type {any} */ message, transfer = []) => port.postMessage(message, transfer);
  let web;
  try {
    web = await ready;
    const handler = handlers[request.type];
    if (!handler) throw new TypeError(`unknown request type ${request.type}`);
    if (interrupt) interrupt[0] = 0;
    reply({ type: "started", id: request.id });
    let result;
    underway = request;
    try {
      result = handler(web, request, reply);
    } finally {
      underway = null;
    }
    const error = result.meta.error;
    if (error?.type === "KeyboardInterrupt") {
      reply({ id: request.id, ok: false, error: { type: "AbortError", message: "Cancelled: Python was interrupted and is still warm.", hint: "Your image and settings are kept." } });
    } else if (error) {
      reply({ id: request.id, ok: false, error });
    } else {
      reply({ id: request.id, ok: true, ...result }, transferables(result));
    }
  } catch (error) {
    // ndlab turns Python exceptions into result.meta.error, so this is either a bug (reported
    // as it is) or the interpreter itself failed (out of memory, a fatal Pyodide error): then
    // report it, tell every connection, and close so each starts a fresh worker.
    const fatal = web !== undefined && !alive();
    const message = String(error?.message ?? error);
    reply({
      id: request.id,
      ok: false,
      error: {
        type: error?.type ?? error?.name ?? "Error",
        message,
        hint: fatal
          ? "Python stopped working; a fresh Python is starting. Your image and settings are kept."
          : "This is a bug in ndlab; the page still works. Try other settings.",
      },
    });
    if (fatal) crash(message);
  }
}

// Control messages act at once; jobs from every connection run one at a time, in arrival order.
let queue = Promise.resolve();

/** @param {MessagePort | Worker} port */
function connect(port) {
  ports.add(port);
  runtime.connections++;
  for (const message of startup) port.postMessage(message);
  port.onmessage = (/** @type {MessageEvent} */ event) => {
    const request = event.data;
    if (underway) {
      crash(`a ${underway.type === "lab" ? "lab" : "run"} was stopped before it answered`);
    } else if (request.type === "probe") {
      // sent after each "started": arriving here, it finds the run over (see `underway`)
    } else if (request.type === "status") {
      port.postMessage({ type: "status", runtime });
    } else if (request.type === "interrupt-buffer") {
      interrupt = request.buffer; // an Int32Array over the page's SharedArrayBuffer
      // ndlab checks the buffer between its long calls (ndlab.interrupt). Pyodide's own
      // setInterruptBuffer is not used: its poller clears the request, and in our runs the
      // interrupt it queued was not raised, so the computation went on.
      ready.then(() => pyodide.pyimport("ndlab.interrupt").install(interrupt));
    } else if (request.type === "cancel") {
      if (!cancelled.has(port)) cancelled.set(port, new Set());
      cancelled.get(port)?.add(request.id);
    } else {
      queue = queue.then(() => handle(request, port));
    }
  };
}

if (runtime.shared) {
  self.onconnect = (/** @type {MessageEvent} */ event) => connect(event.ports[0]);
} else {
  connect(/** @type {any} */ (self));
}
