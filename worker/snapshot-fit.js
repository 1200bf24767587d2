// @ts-check
// Which of the build's snapshots (snapshot.js) fits this worker, told by their metadata: the
// engine a snapshot was made in must lay out the libraries' functions as this one does (its
// `profile`), and it must hold this runtime and these packages, ndlab's closure in the lock (its
// `key`); both compared before its large files download. The build writes both when it makes a
// snapshot, one in each engine that lays out functions its own way.

/**
 * What decides where the libraries' functions go in the runtime's function table, besides the
 * runtime itself, detected as Pyodide detects it at start-up, in a moment and before any download:
 * - `countArgs`: Pyodide adds one function (its call trampoline's argument counter) where the
 *   engine has WebAssembly GC's `ref.test` and the platform is not iOS;
 * - `sameFunction`: whether the engine gives one JavaScript object for a function wherever it
 *   is in a table. Emscripten finds a function already in the table by that object; where each
 *   slot gives another (WebKit), it adds each of the runtime's ~1150 functions its dynamic linker
 *   resolves again, and every library goes further along the table.
 * @returns {{countArgs: boolean, sameFunction: boolean}}
 */
export function engineProfile() {
  // a function, a table holding it twice (the bytes of a WebAssembly module)
  const twice = new WebAssembly.Instance(
    new WebAssembly.Module(
      new Uint8Array([
        0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 4, 4, 1, 112, 0, 2, 7, 5, 1, 1,
        116, 1, 0, 9, 8, 1, 0, 65, 0, 11, 2, 0, 0, 10, 4, 1, 2, 0, 11,
      ]),
    ),
  );
  const table = /** @type {WebAssembly.Table} */ (twice.exports.t);
  // the module Pyodide 0.27.7's getPyEMCountArgsPtr compiles (ref.test: WebAssembly GC)
  const gc = WebAssembly.validate(
    new Uint8Array([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 27, 5, 96, 0, 1, 127, 96, 1, 127, 1, 127, 96, 2, 127, 127, 1,
      127, 96, 3, 127, 127, 127, 1, 127, 96, 1, 127, 0, 2, 9, 1, 1, 101, 1, 116, 1, 112, 0, 0, 3, 2,
      1, 1, 7, 5, 1, 1, 102, 0, 0, 10, 68, 1, 66, 1, 1, 112, 32, 0, 37, 0, 34, 1, 251, 20, 3, 2, 4,
      69, 13, 0, 65, 3, 15, 11, 32, 1, 251, 20, 2, 2, 4, 69, 13, 0, 65, 2, 15, 11, 32, 1, 251, 20,
      1, 2, 4, 69, 13, 0, 65, 1, 15, 11, 32, 1, 251, 20, 0, 2, 4, 69, 13, 0, 65, 0, 15, 11, 65, 127,
      11,
    ]),
  );
  const iOS = /iPad|iPhone|iPod/.test(globalThis.navigator?.platform ?? "");
  return { countArgs: gc && !iOS, sameFunction: table.get(0) === table.get(1) };
}

/**
 * Why a snapshot made in an engine of `profile` (engineProfile) cannot be restored in this one,
 * or "" when it can.
 * @param {Record<string, boolean> | undefined} profile
 */
export function profileMismatch(profile) {
  const here = engineProfile();
  const differs = Object.entries(here).filter(([name, value]) => profile?.[name] !== value);
  return differs
    .map(([name, value]) => `${name} is ${value} here, ${profile?.[name]} where it was made`)
    .join(", ");
}

/** The lock's entry of package `name` and of every package it depends on. @param {any} lock @param {string} name */
export function closure(lock, name) {
  const names = new Set([name]);
  for (const n of names) for (const dependency of lock.packages[n].depends) names.add(dependency);
  return [...names].map((n) => lock.packages[n]);
}

/**
 * The snapshot's key: the runtime and every package in it. A snapshot with another key is refused.
 * @param {any} lock pyodide-lock.json @param {any[]} entries the packages' lock entries
 */
export function snapshotKey(lock, entries) {
  return [`pyodide ${lock.info.version}`, ...entries.map((e) => `${e.name} ${e.sha256}`)].join(
    "\n",
  );
}

/**
 * Why the snapshot of metadata `meta` does not fit this engine, runtime and packages, or "" when
 * it does: decided before its tens of megabytes download.
 * @param {any} meta @param {any} lock @param {any[]} entries
 */
export function snapshotMismatch(meta, lock, entries) {
  const engine = profileMismatch(meta.profile);
  if (engine) return `it was made in an engine that lays out functions otherwise (${engine})`;
  const key = snapshotKey(lock, entries);
  if (meta.key === key) return "";
  const other = meta.key.split("\n").find((/** @type {string} */ line) => !key.includes(line));
  return `it was made for other packages (${other ?? "fewer of them"})`;
}

/**
 * The first of the build's snapshots that fits this engine, runtime and packages, with its
 * metadata, read one after the other (so that only what this engine uses is fetched); throws why
 * none fits: the reason of the one made in an engine like this one if there is one, else why the
 * first does not fit.
 * @param {{engine: string, file: string, meta: string}[]} made build.json's `snapshot.made`: the
 *   engine each was made in, its memory file and its metadata file
 * @param {(path: string) => Promise<any>} read @param {any} lock @param {any[]} entries
 * @returns {Promise<{engine: string, file: string, meta: string, metadata: any}>}
 */
export async function fittingSnapshot(made, read, lock, entries) {
  let refusal = "";
  for (const snapshot of made) {
    const metadata = await read(snapshot.meta);
    const mismatch = snapshotMismatch(metadata, lock, entries);
    if (!mismatch) return { ...snapshot, metadata };
    if (!refusal || !profileMismatch(metadata.profile)) refusal = mismatch;
  }
  throw new Error(refusal);
}
