// The floor: official Pyodide loading NumPy and SciPy and importing scipy.ndimage, nothing else.
import { loadPyodide } from "./pyodide/pyodide.mjs";
const started = performance.now();
const pyodide = await loadPyodide({ indexURL: new URL("./pyodide/", import.meta.url).href });
const runtime = performance.now();
await pyodide.loadPackage(["numpy", "scipy"], { messageCallback: () => {} });
const loaded = performance.now();
pyodide.runPython("import scipy.ndimage");
const now = performance.now();
postMessage({
  startup_ms: now - started,
  runtime_ms: runtime - started,
  load_ms: loaded - runtime,
  import_ms: now - loaded,
});
// afterwards, on request: the kernels, the same code as in CPython
if (new URL(self.location.href).searchParams.has("kernels")) {
  await pyodide.loadPackage("ndlab", { messageCallback: () => {} });
  pyodide.runPython(await (await fetch("kernels.py")).text());
  postMessage({ kernels: pyodide.runPython("measure()") });
}
