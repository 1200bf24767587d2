// @ts-check
// The Pyodide worker: loads Python, NumPy, SciPy and ndlab, then answers requests one at a time.
// It never touches the DOM. It runs as a dedicated worker for the page, or as a shared worker
// that every embedded demo on a host page connects to, so they share one Python. The inputs and
// every step's array stay here (ndlab.bridge); only displays and asked-for values cross back.
// The messages are declared in static/protocol.js.
// @ts-ignore: build.py copies Pyodide here from its npm package
import { loadPyodide } from "../pyodide/pyodide.mjs";
import { CONTROL, EVENT, HINTS, JOB, errorInfo } from "../static/protocol.js";
import { closure, filesOf, profileMismatch, restoreSnapshot } from "./snapshot.js";

const PYODIDE_URL = new URL("../pyodide/", import.meta.url).href;
const started = performance.now();
/** @type {any} */
let pyodide;

/** Who this runtime is, for pages that check their demos share one. (Not crypto.randomUUID:
 * browsers have it only in secure contexts, and a classroom's LAN address over http is not one.) */
const runtime = {
  id: Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(16)).join("-"),
  shared: "onconnect" in self,
  connections: 0,
};
/** @type {Set<MessagePort | Worker>} every connection: the page, or each embedded demo */
const ports = new Set();
/** The start-up messages so far, replayed to a demo that connects later. */
const startup = [];

/** Send to every connection (start-up progress and readiness). @param {any} message */
function broadcast(message) {
  if (message.type === EVENT.progress)
    startup.splice(0, startup.length, ...startup.filter((m) => m.type !== EVENT.progress));
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
const fetchJson = async (path) => (await fetch(new URL(path, import.meta.url))).json();

async function start() {
  // Pyodide's runtime script, fetched and run while the rest comes (loadPyodide finds it there)
  import(`${PYODIDE_URL}pyodide.asm.js`).catch(() => {}); // a failure reaches loadPyodide
  const [build, lock] = await Promise.all([
    fetchJson("../build.json"),
    fetchJson("../pyodide/pyodide-lock.json"),
  ]);
  const entries = closure(lock, "ndlab");
  const downloads = watchDownloads(build.startup_bytes);
  /** @type {Record<string, any>} */
  const timings = { snapshot: build.snapshot ? "" : "none in this build" };
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
    // From the network, the packages download while Pyodide's runtime downloads and starts, not
    // after it. From the service worker's cache (named as in sw.js) they come at once: asking
    // early would only take the processor from Pyodide's start.
    const cached = await self.caches?.has(`ndlab-${build.id}`).catch(() => false);
    if (!cached) downloads.requestAhead(entries);
    pyodide = await loadPyodide({ indexURL: PYODIDE_URL });
    timings.runtime_ms = performance.now() - started;
    downloads.runtimeStarted();
    // Pyodide reports a package it could not load (unreachable, or not the file the lock names)
    // and goes on; stop here instead, with its reason, rather than fail later on an import.
    /** @type {string[]} */
    const failures = [];
    await pyodide.loadPackage("ndlab", {
      messageCallback: () => {},
      errorCallback: (/** @type {string} */ m) => failures.push(m),
    });
    if (failures.length) throw new Error(failures.join(" "));
    timings.load_ms = performance.now() - started;
  }
  downloads.restore();
  const loaded = performance.now();
  broadcast({ type: EVENT.progress, stage: "Importing ndlab", loaded: 1, total: 1 });
  const py = pyodide.pyimport("ndlab.bridge.jobs");
  const imported = performance.now();
  // JS bytes become Python bytes through this (one copy).
  py.toBytes = pyodide.runPython("lambda buffer: buffer.to_bytes()");
  Object.assign(timings, { startup_ms: performance.now() - started, import_ms: imported - loaded });
  broadcast({ type: EVENT.ready, timings, runtime });
  return py;
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

const ready = start();
ready.catch((error) =>
  broadcast({
    type: EVENT.failed,
    error: errorInfo(error?.name ?? "Error", String(error?.message ?? error), HINTS.startFailed),
  }),
);

/**
 * Copy RGBA pixels from a transferred buffer into a fresh NumPy array: the one copy in.
 * @param {any} py the ndlab.bridge.jobs module proxy
 * @param {{buffer: ArrayBuffer, width: number, height: number}} image
 */
function toNumpy(py, image) {
  const array = py.alloc(image.height, image.width);
  const view = array.getBuffer("u8");
  try {
    view.data.set(new Uint8Array(image.buffer));
  } finally {
    view.release();
  }
  return array;
}

/**
 * Copy a NumPy array's bytes out (the one copy out) and destroy its proxy.
 * @param {any} array
 */
function fromNumpy(array) {
  try {
    const view = array.getBuffer();
    try {
      return { buffer: view.data.slice().buffer, shape: view.shape };
    } finally {
      view.release();
    }
  } finally {
    array.destroy();
  }
}

/** The buffers a job sends back (see ndlab.bridge.jobs), from their proxies, which are destroyed. */
const buffersOut = {
  /** uint8 H×W×4 pixels. @param {any} array */
  image(array) {
    const { buffer, shape } = fromNumpy(array);
    return { buffer, width: shape[1], height: shape[0] };
  },
  /** float32 values. @param {any} array */
  values: (array) => fromNumpy(array).buffer,
  /** A file. @param {any} bytes */
  bytes(bytes) {
    try {
      return bytes.toJs();
    } finally {
      bytes.destroy();
    }
  },
  /** PNG files. @param {any} list */
  figures(list) {
    try {
      return list.toJs().map((/** @type {Uint8Array} */ png) => png.buffer);
    } finally {
      list.destroy();
    }
  },
};

/**
 * Run a job in Python (ndlab.bridge.jobs.call): its fields go as JSON, its pixels or file bytes
 * copied once into Python; the reply comes back as `meta`, each buffer copied once out.
 * @param {any} py the ndlab.bridge.jobs module proxy
 * @param {any} request @param {(message: any) => void} reply
 * @returns {{meta: any, image?: any, values?: ArrayBuffer, bytes?: Uint8Array, figures?: ArrayBuffer[]}}
 */
function callPython(py, request, reply) {
  const { id, type, image, bytes, ...fields } = request;
  const progress = (/** @type {number} */ fraction, /** @type {string} */ message) =>
    reply({ type: EVENT.jobProgress, id, fraction, message });
  const buffer = image ? toNumpy(py, image) : bytes ? py.toBytes(bytes) : null;
  try {
    const answer = py.call(type, JSON.stringify(fields), buffer, progress);
    try {
      /** @type {any} */
      const out = { meta: JSON.parse(answer.get(0)) };
      const buffers = answer.get(1);
      try {
        for (const name of buffers) out[name] = buffersOut[name](buffers.get(name));
      } finally {
        buffers.destroy();
      }
      return out;
    } finally {
      answer.destroy();
    }
  } finally {
    buffer?.destroy();
  }
}

/**
 * Work a job needs before its Python call, done while the worker still answers messages.
 * @type {Record<string, (request: any, reply: (message: any) => void) => Promise<void>>}
 */
const preparations = {
  /**
   * The Pyodide packages the code imports (matplotlib and its dependencies), and the teacher's
   * wheels whose modules it imports, installed with micropip; each once.
   */
  async [JOB.code]({ id, code }, reply) {
    const say = (/** @type {string} */ message) =>
      reply({ type: EVENT.jobProgress, id, fraction: 0, message });
    /** @type {string[]} */
    const failures = [];
    try {
      await pyodide.loadPackagesFromImports(code, {
        messageCallback: say,
        errorCallback: (/** @type {string} */ m) => failures.push(m),
      });
      if (failures.length) throw new Error(failures.join(" "));
      await installWheels(code, say);
    } catch (error) {
      throw errorInfo("ImportError", String(error?.message ?? error), HINTS.packages);
    }
    await fetchChapterPictures(code);
  },
};

/**
 * The chapter's pictures that `code` opens by name, fetched once into Python's data folder (the
 * wheel holds them decoded for the labs; a learner's script reads the file itself).
 * @param {string} code
 */
async function fetchChapterPictures(code) {
  const py = pyodide.pyimport("ndlab.bridge.jobs");
  const missing = py.missing_chapter_files(code);
  const paths = /** @type {string[]} */ (missing.toJs());
  missing.destroy();
  py.destroy();
  for (const path of paths) {
    const name = /** @type {string} */ (path.split("/").pop());
    const response = await fetch(new URL(`../data/scipy-lectures/${name}`, import.meta.url));
    if (!response.ok)
      throw errorInfo(
        "OSError",
        `The chapter's file ${name} could not be read (HTTP ${response.status}).`,
        HINTS.siteFile,
      );
    pyodide.FS.writeFile(path, new Uint8Array(await response.arrayBuffer()));
  }
}

/**
 * The teacher's wheels that came with the site (`build.py package --wheel`), as wheels/wheels.json
 * lists them: [{file, name, version, imports, sha256}].
 * @type {Promise<{file: string, name: string, imports: string[]}[]> | undefined}
 */
let wheels;
/** @type {Set<string>} the wheels installed in this Python */
const installed = new Set();

/** Install, with micropip, the teacher's wheels whose modules `code` imports. @param {string} code @param {(message: string) => void} say */
async function installWheels(code, say) {
  wheels ??= fetchJson("../wheels/wheels.json").catch(() => []);
  const pending = (await wheels).filter((wheel) => !installed.has(wheel.file));
  if (!pending.length) return;
  const found = pyodide.pyimport("pyodide.code").find_imports(code);
  const imported = new Set(found.toJs());
  found.destroy();
  const wanted = pending.filter((wheel) => wheel.imports.some((name) => imported.has(name)));
  if (!wanted.length) return;
  await pyodide.loadPackage("micropip", { messageCallback: say });
  const micropip = pyodide.pyimport("micropip");
  try {
    for (const wheel of wanted) {
      say(`Installing ${wheel.name} with micropip`);
      await micropip.install(new URL(`../wheels/${wheel.file}`, import.meta.url).href);
      installed.add(wheel.file);
    }
  } finally {
    micropip.destroy();
  }
}

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
  for (const port of ports) port.postMessage({ type: EVENT.crashed, message });
  self.close();
}

/** A result's transferable buffers. */
const transferables = (result) =>
  [result.image?.buffer, result.bytes?.buffer, result.values, ...(result.figures ?? [])].filter(
    Boolean,
  );

/** Requests cancelled before they started, per connection. @type {WeakMap<object, Set<number>>} */
const skipped = new WeakMap();
/** @type {Int32Array | null} shared with the page, which writes SIGINT (2) into it to cancel */
let interrupt = null;

/** @param {any} request @param {MessagePort | Worker} port the connection that asked */
async function handle(request, port) {
  if (skipped.get(port)?.delete(request.id)) return;
  const reply = (/** @type {any} */ message, transfer = []) => port.postMessage(message, transfer);
  let py;
  try {
    py = await ready;
    if (interrupt) interrupt[0] = 0;
    reply({ type: EVENT.started, id: request.id });
    await preparations[request.type]?.(request, reply);
    let result;
    const t0 = performance.now();
    underway = request;
    try {
      result = callPython(py, request, reply);
    } finally {
      underway = null;
    }
    if (request.type === JOB.pipeline) {
      result.meta.timings = { ...result.meta.timings, python_ms: performance.now() - t0 };
      result.meta.memory_mb = memoryMB();
    }
    const error = result.meta.error;
    if (error) {
      reply({ id: request.id, ok: false, error });
    } else {
      reply({ id: request.id, ok: true, ...result }, transferables(result));
    }
  } catch (error) {
    // ndlab turns Python exceptions into result.meta.error, so this is a preparation's failure
    // (thrown as its envelope), a bug (reported as it is) or the interpreter itself failed (out
    // of memory, a fatal Pyodide error): then report it, tell every connection, and close so
    // each starts a fresh worker.
    const fatal = py !== undefined && !alive();
    const message = String(error?.message ?? error);
    const hint = fatal ? HINTS.restarting : (error?.hint ?? HINTS.bug);
    reply({
      id: request.id,
      ok: false,
      error: errorInfo(error?.type ?? error?.name ?? "Error", message, hint),
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
      crash(`a ${underway.type === JOB.lab ? "lab" : "run"} was stopped before it answered`);
    } else if (request.type === CONTROL.probe) {
      // sent after each "started": arriving here, it finds the run over (see `underway`)
    } else if (request.type === CONTROL.status) {
      port.postMessage({ type: EVENT.status, runtime });
    } else if (request.type === CONTROL.interruptBuffer) {
      interrupt = request.buffer; // an Int32Array over the page's SharedArrayBuffer
      // ndlab checks the buffer between its long calls (ndlab.interrupt). Pyodide's own
      // setInterruptBuffer is not used: its poller clears the request, and in our runs the
      // interrupt it queued was not raised, so the computation went on.
      ready.then(() => pyodide.pyimport("ndlab.interrupt").install(interrupt));
    } else if (request.type === CONTROL.cancel) {
      if (!skipped.has(port)) skipped.set(port, new Set());
      skipped.get(port)?.add(request.id);
    } else {
      queue = queue.then(() => handle(request, port));
    }
  };
}

if (runtime.shared) {
  /** @type {any} */ (self).onconnect = (/** @type {MessageEvent} */ event) =>
    connect(event.ports[0]);
} else {
  connect(/** @type {any} */ (self));
}
