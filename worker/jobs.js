// @ts-check
// The worker's jobs: one generic handler over the jobs static/protocol.js declares. Each job's
// fields go to Python (ndlab.bridge.jobs.call) as JSON, its pixels or file bytes copied once in;
// the reply comes back as `meta`, each buffer copied once out and transferred to the page.
import { EVENT, HINTS, JOB, errorInfo } from "../static/protocol.js";
import { prepare } from "./prepare.js";
import { blocking, broadcast, clearInterrupt, crash } from "./transport.js";

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
 * What a job raises when it opens a file of the packages that a restore has not installed yet
 * (python.later): such a job runs again once they are.
 */
const MISSING_FILE = new Set([
  "ModuleNotFoundError",
  "ImportError",
  "FileNotFoundError",
  "OSError",
]);

/**
 * Install the packages' files a restore left for later, if it did and they are not yet (they may
 * still be downloading: the job's progress says so).
 * @param {import("./startup.js").Python} python @param {any} request
 * @param {(message: any) => void} reply
 */
async function waitForLater(python, request, reply) {
  if (!python.later?.pending) return;
  const message = "Downloading the rest of NumPy's and SciPy's files";
  reply({ type: EVENT.jobProgress, id: request.id, fraction: 0, message });
  try {
    await python.later.install();
  } catch (error) {
    const message = `The packages' files this needs did not download: ${error?.message ?? error}`;
    throw errorInfo("OSError", message, HINTS.download);
  }
}

/** The size of Python's WebAssembly memory, in MB (it grows, never shrinks). @param {any} pyodide */
function memoryMB(pyodide) {
  return (pyodide._module?.HEAP8?.byteLength ?? 0) / 1e6;
}

/** Whether the interpreter still runs Python after an error. @param {any} pyodide */
function alive(pyodide) {
  try {
    return pyodide.runPython("1 + 1") === 2;
  } catch {
    return false;
  }
}

/** A result's transferable buffers. */
const transferables = (result) =>
  [result.image?.buffer, result.bytes?.buffer, result.values, ...(result.figures ?? [])].filter(
    Boolean,
  );

/**
 * The handler of every job, once Python is `ready`.
 * @param {Promise<import("./startup.js").Python>} ready
 * @returns {import("./transport.js").Handlers["job"]}
 */
export const jobHandler = (ready) =>
  async function handle(request, reply) {
    let python;
    try {
      python = await ready;
      clearInterrupt();
      reply({ type: EVENT.started, id: request.id });
      // a learner's code may import anything, and running it twice could repeat what it did
      if (request.type === JOB.code) await waitForLater(python, request, reply);
      await prepare[request.type]?.(python.pyodide, request, reply);
      let t0 = performance.now();
      const run = () => blocking(request, () => callPython(python.py, request, reply));
      let result = run();
      if (python.later?.pending && MISSING_FILE.has(result.meta.error?.type)) {
        await waitForLater(python, request, reply);
        t0 = performance.now(); // the run's time, not the download's
        result = run();
      }
      if (request.type === JOB.pipeline) {
        result.meta.timings = { ...result.meta.timings, python_ms: performance.now() - t0 };
        result.meta.memory_mb = memoryMB(python.pyodide);
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
      const fatal = python !== undefined && !alive(python.pyodide);
      const message = String(error?.message ?? error);
      const hint = fatal ? HINTS.restarting : (error?.hint ?? HINTS.bug);
      reply({
        id: request.id,
        ok: false,
        error: errorInfo(error?.type ?? error?.name ?? "Error", message, hint),
      });
      if (fatal) crash(message);
    } finally {
      const after = python?.afterFirstJob;
      if (python) python.afterFirstJob = undefined;
      after?.()
        .catch((error) => console.warn("ndlab: after the first job:", error))
        .finally(() => broadcast({ type: EVENT.settled })); // the page may cache the site now
    }
  };
