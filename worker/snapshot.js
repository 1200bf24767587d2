// @ts-check
// A memory snapshot of Python with NumPy, SciPy and ndlab imported: the build makes it in
// headless Chromium (tools/snapshot.py), the worker restores it and skips Python's start-up and
// `import ndlab.bridge.jobs`.
//
// Pyodide 0.27 snapshots only a bare interpreter (pyodide#5195): once compiled libraries are
// loaded, Python's memory points into their data and their function-table slots, which the
// snapshot does not hold. So, as Cloudflare's workerd does, each library is loaded again before
// the memory is restored, at the memory base and table slots it had when the snapshot was made
// (Emscripten's dlopen handle carries them), in the same order. Anything that differs refuses the
// snapshot, and the worker starts Python the usual way.
//
// Only the libraries that importing ndlab loads are in a snapshot (`librariesUsed`): the worker
// loads the others once the first job is answered (`loadOtherLibraries`), and Python loads any
// it needs before then from the packages' files when a module first imports it.
//
// The packages' files come unpacked, as Pyodide would install them, in two files of the build
// (listed in the snapshot's metadata), where unzipping the wheels would take the worker a second.
// They hold only what a restored Python may open (tools/snapshot.py): not the bytecode of the
// modules the snapshot imported, nor what only compilers and type checkers read. The first,
// snapshot/files.bin, holds what a restore needs (the libraries it loads, and ndlab's sources);
// the second, snapshot/later.bin, the rest (the other libraries, bytecode and data), which is
// fetched and installed after the first job (`installLater`), or for a job that needs it
// (worker/jobs.js).
import { engineProfile, snapshotKey } from "./snapshot-fit.js";

/** Loaded as Pyodide loads a package's libraries: local symbols, never unloaded. */
const FLAGS = { loadAsync: false, global: false, nodelete: true, allowUndefined: true };
/** Where Pyodide installs shared libraries (openblas): modules name them without a directory. */
const SHARED = "/usr/lib/";
/** The hiwire slot where Pyodide keeps `loadedPackages` (a fresh `{}` after a restore). */
const LOADED_PACKAGES_SLOT = 6;
/** What must not be frozen: random states and the learner's time zone. */
const RESEED =
  "import importlib, random, time, numpy\nrandom.seed()\nnumpy.random.seed()\nimportlib.reload(time)\ndel importlib, random, time, numpy";

/** The bytecode files of the modules imported (each module's `__spec__.cached`), sorted. */
const IMPORTED =
  "import sys\nsorted({getattr(getattr(m, '__spec__', None), 'cached', None) for m in list(sys.modules.values())} - {None})";

/**
 * The packages' files out of the build's image of them: each path with its bytes (views, not copies).
 * @param {ArrayBuffer} image @param {[string, number][]} index each file's path and size, in order
 * @returns {Map<string, Uint8Array>}
 */
export function filesOf(image, index) {
  const files = new Map();
  let offset = 0;
  for (const [path, size] of index) {
    files.set(path, new Uint8Array(image, offset, size));
    offset += size;
  }
  if (offset !== image.byteLength)
    throw new Error(`the packages' files hold ${image.byteLength} bytes, not ${offset}`);
  return files;
}

/** @param {any} FS Emscripten's file system @param {Map<string, Uint8Array>} files */
function install(FS, files) {
  for (const [path, data] of files) {
    FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
    FS.writeFile(path, data, { canOwn: true });
  }
}

/**
 * Install the packages' files a restore left for later (tools/snapshot.py's later.bin), and have
 * Python's importers look at their folders again.
 * @param {any} pyodide @param {Map<string, Uint8Array>} files
 */
export function installLater(pyodide, files) {
  install(pyodide.FS, files);
  pyodide.runPython("import importlib\nimportlib.invalidate_caches()\ndel importlib");
}

/** A short digest of the symbols the libraries resolved to (Emscripten's GOT). @param {any} Module */
function gotDigest(Module) {
  let hash = 2166136261;
  for (const name of Object.keys(Module.GOT).sort()) {
    const text = `${name}=${Module.GOT[name].value};`;
    for (let i = 0; i < text.length; i++)
      hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  }
  return hash.toString(16);
}

/**
 * Load one library as Pyodide would, through the dlopen handle at `handle` (Emscripten reads
 * and writes the library's memory and table bases there).
 * @param {any} Module @param {string} path @param {WebAssembly.Module | Uint8Array} binary @param {number} handle
 */
function loadLibrary(Module, path, binary, handle) {
  const dso = Module.newDSO(path, handle, "loading");
  dso.refcount = Infinity;
  dso.global = false;
  dso.exports = Module.loadWebAssemblyModule(binary, FLAGS, path, {}, handle);
  const name = path.slice(path.lastIndexOf("/") + 1);
  Module.LDSO.loadedLibsByName[name] ||= dso;
  delete Module.LDSO.loadedLibsByHandle[handle];
}

/**
 * Make a snapshot: start Python, install the packages' files, load the libraries that importing
 * ndlab.bridge.jobs uses (`librariesUsed`) recording where each went, import it. Runs at build
 * time, in a page of the built site; returns the memory, its metadata, and the bytecode files of
 * the modules it imported (which a restored Python never opens: the build leaves them out of the
 * files it ships).
 * @param {any} loadPyodide @param {string} indexURL @param {any} lock @param {any[]} entries
 * @param {Map<string, Uint8Array>} files the packages' files (filesOf)
 */
export async function makeSnapshot(loadPyodide, indexURL, lock, entries, files) {
  const used = await librariesUsed(loadPyodide, indexURL, files);
  const pyodide = await loadPyodide({ indexURL, _makeSnapshot: true });
  const Module = pyodide._module;
  install(Module.FS, files);
  /** @type {any[]} */
  const libraries = [];
  const fromFiles = (/** @type {string} */ path) => /** @type {Uint8Array} */ (files.get(path));
  loadWhereTheyFit(
    Module,
    neededFirst(Module, files, used),
    fromFiles,
    (path, tableLength, memoryBase, tableBase) =>
      libraries.push({ path, tableLength, memoryBase, tableBase }),
  );
  const loaded = Object.values(Module.LDSO.loadedLibsByName).filter(
    (dso) => dso.name !== "__main__",
  );
  if (new Set(loaded).size !== libraries.length)
    throw new Error("a library loaded another one by itself: the snapshot could not replay it");
  const got = gotDigest(Module);
  const tableLength = Module.wasmTable.length;
  pyodide.runPython("import ndlab.bridge.jobs, gc\ngc.collect()");
  if (Module.wasmTable.length !== tableLength) {
    throw new Error(
      `importing ndlab added ${Module.wasmTable.length - tableLength} function-table slots a restore cannot replay`,
    );
  }
  const bytes = pyodide.makeMemorySnapshot();
  const meta = {
    key: snapshotKey(lock, entries),
    profile: engineProfile(),
    size: bytes.length,
    libraries,
    got,
    tableLength,
  };
  // asked once the memory is taken, so that asking leaves nothing in it
  const imported = pyodide.runPython(IMPORTED);
  const bytecode = imported.toJs();
  imported.destroy();
  return { bytes, meta, bytecode };
}

/**
 * The compiled modules `import ndlab.bridge.jobs` loads, found by importing it in a Python of its
 * own. A restore loads only these (and the shared libraries): compiling and loading the others
 * (79 of 130, 18 of 46 MB) would cost every start, though a first result needs none of them.
 * Python loads each from the file system when a module first imports it, as it would anywhere;
 * only a shared library, which a module names without its directory, must be loaded already.
 * @param {any} loadPyodide @param {string} indexURL @param {Map<string, Uint8Array>} files
 * @returns {Promise<Set<string>>}
 */
async function librariesUsed(loadPyodide, indexURL, files) {
  const pyodide = await loadPyodide({ indexURL });
  const Module = pyodide._module;
  install(Module.FS, files);
  const fromFiles = (/** @type {string} */ path) => /** @type {Uint8Array} */ (files.get(path));
  loadWhereTheyFit(Module, neededFirst(Module, files, new Set()), fromFiles);
  const used = pyodide.runPython(EXTENSIONS);
  const paths = new Set(used.toJs());
  used.destroy();
  return paths;
}

/** The compiled modules imported, once ndlab.bridge.jobs is. */
const EXTENSIONS =
  "import sys, ndlab.bridge.jobs\n[m.__file__ for m in list(sys.modules.values()) if (getattr(m, '__file__', None) or '').endswith('.so')]";

/**
 * The shared libraries and the libraries in `used`, each after the libraries it needs (their
 * dylink section names them).
 * @param {any} Module @param {Map<string, Uint8Array>} files @param {Set<string>} used
 */
function neededFirst(Module, files, used) {
  const paths = [...files.keys()].filter((p) => p.endsWith(".so")).sort();
  const byName = new Map(paths.map((p) => [p.slice(p.lastIndexOf("/") + 1), p]));
  /** @type {Set<string>} */
  const order = new Set();
  const visit = (/** @type {string} */ path) => {
    if (order.has(path)) return;
    for (const name of Module.getDylinkMetadata(files.get(path)).neededDynlibs) {
      const needed = byName.get(name);
      if (needed) visit(needed);
    }
    order.add(path);
  };
  paths.filter((p) => p.startsWith(SHARED) || used.has(p)).forEach(visit);
  return [...order];
}

/**
 * Load the packages' other libraries, which a restore leaves for Python to load when a module
 * first imports them (`librariesUsed`): compiled off the worker's thread, then each loaded, so
 * that the first lab that needs them does not wait for Python to compile them one by one. Run
 * once the first job is answered; a library Python loaded meanwhile is left as it is.
 * @param {any} pyodide @param {Map<string, Uint8Array>} files the packages' files for later
 */
export async function loadOtherLibraries(pyodide, files) {
  const Module = pyodide._module;
  const loaded = (/** @type {string} */ path) => Boolean(Module.LDSO.loadedLibsByName[path]);
  const paths = neededFirst(Module, files, new Set(files.keys())).filter((p) => !loaded(p));
  const modules = await Promise.all(
    paths.map((p) => WebAssembly.compile(/** @type {Uint8Array<ArrayBuffer>} */ (files.get(p)))),
  );
  const compiled = new Map(paths.map((path, k) => [path, modules[k]]));
  loadWhereTheyFit(
    Module,
    paths.filter((path) => !loaded(path)),
    (path) => /** @type {WebAssembly.Module} */ (compiled.get(path)),
  );
}

/**
 * Load libraries, in order, where Emscripten finds room for each (in memory and the function
 * table), through a scratch dlopen handle; `onLoaded` is told where each went.
 * @param {any} Module @param {string[]} paths
 * @param {(path: string) => WebAssembly.Module | Uint8Array} binaryOf
 * @param {(path: string, tableLength: number, memoryBase: number, tableBase: number) => void} [onLoaded]
 */
function loadWhereTheyFit(Module, paths, binaryOf, onLoaded = () => {}) {
  const handle = Module.___libc_malloc(64);
  for (const path of paths) {
    Module.HEAPU8.fill(0, handle, handle + 64);
    const tableLength = Module.wasmTable.length;
    loadLibrary(Module, path, binaryOf(path), handle);
    onLoaded(
      path,
      tableLength,
      Module.HEAPU32[(handle + 12) >> 2],
      Module.HEAPU32[(handle + 20) >> 2],
    );
  }
  Module._free(handle);
}

/**
 * Start Python from a snapshot that fits (`snapshotMismatch` says ""). Throws (and leaves nothing
 * behind) when this runtime lays out its functions otherwise than the snapshot's.
 * @param {any} loadPyodide @param {string} indexURL
 * @param {{bytes: Promise<Uint8Array>, meta: any, entries: any[], files: Promise<Map<string, Uint8Array>>, abort: () => void}} snapshot
 *   the snapshot's bytes and the packages' files (their sha256 checked by the caller) may still
 *   be on their way; `abort` stops their downloads, called when the snapshot is refused
 */
export async function restoreSnapshot(
  loadPyodide,
  indexURL,
  { bytes, meta, entries, files, abort },
) {
  bytes.catch(() => {}); // a failure (the worker checks the bytes' sha256) reaches loadPyodide below
  // compiled off the worker's thread while the runtime starts
  const compiled = files.then((f) =>
    Promise.all(
      meta.libraries.map((/** @type {any} */ lib) =>
        WebAssembly.compile(/** @type {Uint8Array<ArrayBuffer>} */ (f.get(lib.path))),
      ),
    ),
  );
  compiled.catch(() => {}); // a failure reaches loadPyodide below
  // @ts-ignore: Pyodide's runtime script defines it (a classic script: imported, as Pyodide does in a module worker)
  if (typeof globalThis._createPyodideModule !== "function")
    await import(`${indexURL}pyodide.asm.js`);
  // @ts-ignore
  const create = globalThis._createPyodideModule;
  // @ts-ignore
  globalThis._createPyodideModule = async (/** @type {any} */ settings) => {
    const Module = await create(settings);
    if (Module.wasmTable.length !== meta.libraries[0].tableLength) {
      throw new Error(
        `${meta.libraries[0].path} would go to function-table slot ${Module.wasmTable.length}, not ${meta.libraries[0].tableLength}`,
      );
    }
    const [modules, unpacked] = await Promise.all([compiled, files]);
    install(Module.FS, unpacked);
    // a scratch dlopen handle in memory the restore overwrites
    const handle = Module.HEAP8.length - 64;
    meta.libraries.forEach((/** @type {any} */ lib, /** @type {number} */ k) => {
      if (Module.wasmTable.length !== lib.tableLength) {
        throw new Error(
          `${lib.path} would go to function-table slot ${Module.wasmTable.length}, not ${lib.tableLength}`,
        );
      }
      Module.HEAPU8.fill(0, handle, handle + 64);
      Module.HEAP8[handle + 8] = 1;
      Module.HEAPU32[(handle + 12) >> 2] = lib.memoryBase;
      Module.HEAPU32[(handle + 20) >> 2] = lib.tableBase;
      loadLibrary(Module, lib.path, modules[k], handle);
    });
    if (Module.wasmTable.length !== meta.tableLength || gotDigest(Module) !== meta.got) {
      throw new Error("the libraries' symbols resolved differently");
    }
    // the libraries are in place; restoring the memory overwrites what loading them wrote
    const snapshot = await bytes;
    const restore = settings.API.restoreSnapshot;
    settings.API.restoreSnapshot = () => {
      settings.API.restoreSnapshot = restore; // and the snapshot's bytes can go
      return restore(snapshot);
    };
    return Module;
  };
  try {
    // Pyodide waits for the snapshot before it starts the runtime, to size the memory; a
    // stand-in of that size (zeroed by the system as it is touched, so nearly free) lets the
    // runtime start while the snapshot downloads.
    const pyodide = await loadPyodide({ indexURL, _loadSnapshot: new Uint8Array(meta.size) });
    delete pyodide._api.config._loadSnapshot;
    for (const entry of entries) pyodide.loadedPackages[entry.name] = "default channel";
    pyodide._module.__hiwire_set(LOADED_PACKAGES_SLOT, pyodide.loadedPackages);
    pyodide.runPython(`import sys\nsys.path.remove("")\ndel sys\n${RESEED}`);
    return pyodide;
  } catch (error) {
    abort();
    throw error;
  } finally {
    // @ts-ignore
    globalThis._createPyodideModule = create;
  }
}
