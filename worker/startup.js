// @ts-check
// The worker's start-up, in named stages (as JupyterLite's pyodide-kernel names its own):
// readBuild, then either restoreSnapshot or initRuntime → initPackages, then importNdlab, each
// reported to every connection through the transport's broadcast. The downloads are counted for
// the page's progress bar and checked against the sha256 the build lists by downloads.js.
// @ts-ignore: build.py copies Pyodide here from its npm package
import { loadPyodide } from "../pyodide/pyodide.mjs";
import { EVENT } from "../static/protocol.js";
import { PYODIDE_URL, fetchJson, watchDownloads } from "./downloads.js";
import { filesOf, installLater, loadOtherLibraries, restoreSnapshot } from "./snapshot.js";
import { closure, fittingSnapshot } from "./snapshot-fit.js";
import { broadcast, runtime } from "./transport.js";

const started = performance.now();

/**
 * @typedef {object} Python the started interpreter
 * @property {any} pyodide Pyodide's API
 * @property {any} py the ndlab.bridge.jobs module proxy, with `toBytes`
 * @property {(() => Promise<void>) | undefined} afterFirstJob what waits until the first job is
 *   answered (after a restore: installing the packages' files it left for later, and loading the
 *   libraries it left out); the worker is "settled" once it is done
 * @property {Later | undefined} later after a restore: the packages' files a first result does not
 *   need, which may still be downloading
 */

/**
 * @typedef {object} Later the packages' files a restore installs after its first result
 * @property {boolean} pending whether they are still to be installed
 * @property {() => Promise<Map<string, Uint8Array>>} install fetch and install them (once)
 */

/**
 * Start Python, NumPy, SciPy and ndlab, reporting each stage; then tell every connection it is
 * ready, with the timings of the stages.
 * @returns {Promise<Python>}
 */
export async function start() {
  // Pyodide's runtime script, fetched and run while the rest comes (loadPyodide finds it there)
  import(`${PYODIDE_URL}pyodide.asm.js`).catch(() => {}); // a failure reaches loadPyodide
  const locked = fetchJson("../pyodide/pyodide-lock.json");
  locked.catch(() => {}); // a failure is awaited below
  const build = await fetchJson("../build.json");
  const downloads = watchDownloads(build);
  downloads.requestRuntime();
  const lock = await locked;
  const entries = closure(lock, "ndlab");
  /** @type {Record<string, any>} */
  const timings = { snapshot: build.snapshot ? "" : "none in this build" };
  let pyodide;
  let afterFirstJob = async () => {};
  let later;
  if (build.snapshot) {
    try {
      ({ pyodide, afterFirstJob, later } = await fromSnapshot(build, lock, entries, downloads));
      timings.snapshot = "restored";
      timings.runtime_ms = timings.load_ms = performance.now() - started;
    } catch (error) {
      timings.snapshot = `refused: ${error?.message ?? error}`;
      console.warn(`ndlab: Python starts without its snapshot, which was ${timings.snapshot}`);
    }
  }
  if (!pyodide) {
    pyodide = await initRuntime(entries, downloads);
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
  return { pyodide, py, afterFirstJob, later };
}

/**
 * Start Python from the build's snapshot that fits this engine (worker/snapshot.js); throws when
 * none fits.
 * @param {any} build build.json @param {any} lock @param {any[]} entries
 * @param {import("./downloads.js").Downloads} downloads
 */
async function fromSnapshot(build, lock, entries, downloads) {
  // decided from the metadata, before the snapshot's tens of megabytes download
  const read = (/** @type {string} */ path) => fetchJson(`../${path}`);
  const snapshot = await fittingSnapshot(build.snapshot.made, read, lock, entries);
  const { metadata: meta } = snapshot;
  const shared = build.snapshot.files; // the packages' files, the same for every snapshot
  const downloading = new AbortController();
  const { signal } = downloading;
  const packed = downloads.file(shared, meta.sha256[shared], snapshot.meta, { signal });
  const files = packed.then((image) => filesOf(image, meta.files));
  // The memory is needed last, once the libraries are compiled and loaded: it downloads
  // meanwhile, and is unpacked after the packages' files, so that the compiling starts sooner.
  const bytes = downloads
    .file(snapshot.file, meta.sha256[snapshot.file], snapshot.meta, { signal, after: packed })
    .then((b) => new Uint8Array(b));
  // What a first result does not need (the other libraries, bytecode and data) is fetched when
  // first asked for (`laterInstall`): after the first job, or by a job that needs it. So it takes
  // neither the link nor the worker's thread from the start, and a spare worker never fetches it.
  const { later: path } = build.snapshot;
  const fetchLater = async () => {
    const image = await downloads.file(path, meta.sha256[path], snapshot.meta, { shown: false });
    return filesOf(image, meta.later);
  };
  const pyodide = await restoreSnapshot(loadPyodide, PYODIDE_URL, {
    bytes,
    meta,
    entries,
    files,
    abort: () => downloading.abort(),
  });
  const later = laterInstall(pyodide, fetchLater);
  const afterFirstJob = async () => loadOtherLibraries(pyodide, await later.install());
  return { pyodide, afterFirstJob, later };
}

/**
 * The packages' files a restore leaves for later, fetched and installed once, when first asked
 * for (a failed download is fetched again at the next ask).
 * @param {any} pyodide @param {() => Promise<Map<string, Uint8Array>>} fetchFiles
 * @returns {Later}
 */
function laterInstall(pyodide, fetchFiles) {
  /** @type {Promise<Map<string, Uint8Array>> | undefined} */
  let installing;
  const later = {
    pending: true,
    install() {
      installing ??= fetchFiles().then(
        (files) => {
          installLater(pyodide, files);
          later.pending = false;
          return files;
        },
        (error) => {
          installing = undefined;
          throw error;
        },
      );
      return installing;
    },
  };
  return later;
}

/**
 * The usual start, without a snapshot: Pyodide's runtime, its packages requested meanwhile (the
 * downloads report the stage "Downloading Python, NumPy and SciPy").
 * @param {any[]} entries ndlab's closure in the lock
 * @param {import("./downloads.js").Downloads} downloads
 */
async function initRuntime(entries, downloads) {
  // From the network, the packages download while Pyodide's runtime downloads and starts, not
  // after it. Where the service worker's cache holds them all (it keeps what a start fetched)
  // they come at once: asking early would only take the processor from Pyodide's start.
  const urls = entries.map((entry) => new URL(entry.file_name, PYODIDE_URL).href);
  const hits = await Promise.all(urls.map((url) => self.caches?.match(url))).catch(() => []);
  if (!hits.every(Boolean)) downloads.requestAhead(entries);
  return loadPyodide({ indexURL: PYODIDE_URL });
}

/**
 * NumPy, SciPy and ndlab loaded into the runtime (some may still download). Pyodide reports a package it could not load
 * (unreachable, or not the file the lock names) and goes on; stop here instead, with its reason,
 * rather than fail later on an import.
 * @param {any} pyodide @param {import("./downloads.js").Downloads} downloads
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
