// Make a memory snapshot of Pyodide's started interpreter, for the worker to restore instead of
// starting Python afresh (see build.py's make_snapshot). Run by the build in Node:
//   node tools/snapshot.mjs DIST/pyodide/ OUT
// The snapshot is taken before any package loads: Pyodide 0.27 cannot snapshot after packages
// with compiled extensions (pyodide/pyodide#5195). It embeds the runtime's build id, and Pyodide
// refuses it with another runtime.
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [runtime, out] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(`${runtime}/pyodide.mjs`).href);
const pyodide = await loadPyodide({ indexURL: runtime, _makeSnapshot: true });
writeFileSync(out, pyodide.makeMemorySnapshot());
