// @ts-check
// Work a job needs before its Python call, done while the worker still answers messages: the
// code job's packages, the teacher's wheels and the chapter's pictures.
import { EVENT, HINTS, JOB, errorInfo } from "../static/protocol.js";
import { fetchJson } from "./downloads.js";

/**
 * By job type: what runs before its Python call.
 * @type {Record<string, (pyodide: any, request: any, reply: (message: any) => void) => Promise<void>>}
 */
export const prepare = {
  /**
   * The Pyodide packages the code imports (matplotlib and its dependencies), and the teacher's
   * wheels whose modules it imports, installed with micropip; each once.
   */
  async [JOB.code](pyodide, { id, code }, reply) {
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
      await installWheels(pyodide, code, say);
    } catch (error) {
      throw errorInfo("ImportError", String(error?.message ?? error), HINTS.packages);
    }
    await fetchChapterPictures(pyodide, code);
  },
};

/**
 * The chapter's pictures that `code` opens by name, fetched once into Python's data folder (the
 * wheel holds them decoded for the labs; a learner's script reads the file itself).
 * @param {any} pyodide @param {string} code
 */
async function fetchChapterPictures(pyodide, code) {
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

/**
 * Install, with micropip, the teacher's wheels whose modules `code` imports.
 * @param {any} pyodide @param {string} code @param {(message: string) => void} say
 */
async function installWheels(pyodide, code, say) {
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
