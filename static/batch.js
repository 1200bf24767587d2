// @ts-check
// Runs the image workspace's pipeline over many files, one at a time in the worker (open, run,
// collect, release, so memory holds one image), with each file's state in a list and Cancel.
// Results stream into one zip as they arrive: a PNG and/or .npy per file, and a CSV per
// measurement table with the file's name as its first column. A file that fails is listed with
// its message and the others go on. The zip holds what the pipeline's Dask script writes beside
// its arrays, under the same names: the tables, failures.csv, pipeline.json and the script.
// @ts-ignore: build.py copies fflate here from its npm package
import * as fflateModule from "../vendor/fflate/browser.js";
import { canvasOf, canvasPng, daskScriptName, download } from "./download.js";
import { isArrayFile, readImage } from "./images.js";
import { csvLine, sizeText } from "./info.js";
import { parts } from "./views/parts.js";
import { showMessage } from "./message.js";

/** @type {typeof import("fflate")} */
const fflate = fflateModule;

/** The zip's records, named as the Dask script names them (ndlab/dask_chunks.py). */
const PIPELINE_FILE = "pipeline.json";
const FAILURES_FILE = "failures.csv";
/** @param {number} number the step's, from 1 @param {string} name its operation's */
const tableFile = (number, name) => `measurements-step${number}-${name}.csv`;

/** @typedef {import("./permalink.js").Step} Step */
/** @typedef {{file: File, path: string}} BatchFile a file and its path in the folder chosen (or its name) */
/**
 * @typedef {{
 *   box: HTMLDetailsElement, files: HTMLInputElement, folder: HTMLInputElement, output: HTMLSelectElement,
 *   cancel: HTMLButtonElement, download: HTMLButtonElement, progress: HTMLProgressElement,
 *   status: HTMLElement, list: HTMLElement
 * }} BatchElements `box` the view's root
 */

/**
 * A zip written as entries arrive. Entries are stored as they are (PNG is compressed already,
 * and deflating a large array would block the page); the archive's bytes become Blobs at once,
 * which the browser may keep on disk, so no second copy of the results stays in the page.
 */
class ZipWriter {
  constructor() {
    /** @type {Blob[]} */
    const parts = [];
    /** @type {Promise<Blob>} */
    this.blob = new Promise((resolve, reject) => {
      this.zip = new fflate.Zip((error, chunk, final) => {
        if (error) return reject(error);
        parts.push(new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (chunk)]));
        if (final) resolve(new Blob(parts, { type: "application/zip" }));
      });
    });
  }

  /** @param {string} name @param {Uint8Array} bytes */
  add(name, bytes) {
    const entry = new fflate.ZipPassThrough(name);
    this.zip.add(entry);
    entry.push(bytes, true);
  }

  /** Write the archive's directory. @returns {Promise<Blob>} the whole zip */
  finish() {
    this.zip.end();
    return this.blob;
  }
}

/**
 * Every measurement table of a batch: per pipeline step that makes one, a CSV with the file's
 * name, then the table's columns (the same for every file, since the step is the same).
 */
class Tables {
  constructor() {
    /** @type {Map<number, {name: string, text: string}>} */
    this.byStep = new Map();
  }

  /** @param {string} path @param {Step[]} steps @param {any[]} infos each step's info */
  add(path, steps, infos) {
    infos.forEach((info, i) => {
      if (!info?.table) return;
      const { columns, rows } = info.table;
      const name = tableFile(i + 1, steps[i].name);
      if (!this.byStep.has(i)) this.byStep.set(i, { name, text: csvLine(["file", ...columns]) });
      const csv = /** @type {{name: string, text: string}} */ (this.byStep.get(i));
      csv.text += rows.map((/** @type {any[]} */ row) => csvLine([path, ...row])).join("");
    });
  }

  /** @param {ZipWriter} zip */
  writeTo(zip) {
    const encoder = new TextEncoder();
    for (const { name, text } of this.byStep.values()) zip.add(name, encoder.encode(text));
  }
}

/** The path without its extension, made unique among `used` by a number. @param {string} path @param {Set<string>} used */
function uniqueStem(path, used) {
  const stem = path.replace(/\.[^./]*$/, "");
  let unique = stem;
  for (let n = 2; used.has(unique); n++) unique = `${stem}-${n}`;
  used.add(unique);
  return unique;
}

/** Files chosen in an input, with their path inside a chosen folder. @param {FileList} list @returns {BatchFile[]} */
export const chosenFiles = (list) =>
  [...list].map((file) => ({ file, path: file.webkitRelativePath || file.name }));

/**
 * The files dropped, folders walked; `many` when there are several files or a folder (a batch).
 * Entries are taken at once: the drop's items are gone once its handler returns.
 * @param {DataTransfer} transfer @returns {Promise<{files: BatchFile[], many: boolean}>}
 */
export async function droppedFiles(transfer) {
  // items that are not files (dragged text or links) have no entry
  const entries = [...transfer.items]
    .map((item) => item.webkitGetAsEntry())
    .filter((entry) => entry !== null);
  const files = (await Promise.all(entries.map(walk))).flat();
  return { files, many: files.length > 1 || entries.some((entry) => entry.isDirectory) };
}

/** @param {FileSystemEntry} entry @returns {Promise<BatchFile[]>} */
async function walk(entry) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) =>
      /** @type {FileSystemFileEntry} */ (entry).file(resolve, reject),
    );
    return [{ file, path: entry.fullPath.replace(/^\//, "") }];
  }
  const reader = /** @type {FileSystemDirectoryEntry} */ (entry).createReader();
  /** @type {FileSystemEntry[]} */
  const children = [];
  // readEntries gives a folder's entries in pieces, then an empty list
  for (;;) {
    const piece = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!piece.length) break;
    children.push(...piece);
  }
  return (await Promise.all(children.map(walk))).flat();
}

export class Batch {
  /**
   * @param {HTMLDetailsElement} box the view's root (`data-view`), holding its parts (BatchElements)
   * @param {import("./api.js").Api} ndlab the JS API
   * @param {() => Step[]} pipeline the pipeline to run, read when a batch starts
   */
  constructor(box, ndlab, pipeline) {
    const el = /** @type {BatchElements} */ ({
      box,
      ...parts(box, "files folder output cancel download progress status list"),
    });
    this.el = el;
    this.ndlab = ndlab;
    this.pipeline = pipeline;
    /** @type {AbortController | null} the batch running, if any */
    this.controller = null;
    /** @type {{blob: Blob, name: string} | null} the last batch's zip */
    this.zip = null;
    el.files.addEventListener("change", () => this.chose(el.files));
    el.folder.addEventListener("change", () => this.chose(el.folder));
    el.cancel.addEventListener("click", () => this.cancel());
    el.download.addEventListener("click", () => this.zip && download(this.zip.blob, this.zip.name));
  }

  get running() {
    return this.controller !== null;
  }

  /** Stop the file running and skip the rest; the zip keeps the files finished. */
  cancel() {
    this.controller?.abort();
  }

  /** @param {HTMLInputElement} input */
  chose(input) {
    if (input.files?.length) this.run(chosenFiles(input.files));
    input.value = "";
  }

  /**
   * Run the pipeline over `files`, one at a time, and offer the zip of what finished.
   * @param {BatchFile[]} files
   */
  async run(files) {
    const { el } = this;
    el.box.open = true;
    if (this.controller) {
      el.status.textContent =
        "A batch is running: cancel it, or wait until it ends, to start another.";
      return;
    }
    // hidden files and folders in a folder (.DS_Store, .git) are the system's, not the user's images
    files = files.filter(({ path }) => !path.split("/").some((part) => part.startsWith(".")));
    if (!files.length) {
      el.status.textContent =
        "There are no files to run the pipeline on: choose image, .npy, .npz or .mat files, or a folder of them.";
      return;
    }
    files.sort((a, b) => a.path.localeCompare(b.path, undefined, { numeric: true }));
    const controller = (this.controller = new AbortController());
    el.download.hidden = true;
    el.cancel.hidden = false;
    try {
      await this.runAll(
        files,
        structuredClone(this.pipeline()),
        el.output.value,
        controller.signal,
      );
    } catch (error) {
      el.status.textContent = `The batch stopped: ${/** @type {any} */ (error).message}`;
    } finally {
      el.cancel.hidden = true;
      this.controller = null;
    }
  }

  /**
   * Each file in turn, its results into the zip; then the zip is offered.
   * @param {BatchFile[]} files @param {Step[]} steps @param {string} output "png", "npy" or "both"
   * @param {AbortSignal} signal
   */
  async runAll(files, steps, output, signal) {
    const { el } = this;
    const items = files.map(({ path }) => this.item(path));
    el.list.replaceChildren(...items);
    el.progress.hidden = false;
    el.progress.value = 0;
    const zip = new ZipWriter();
    const encoder = new TextEncoder();
    const pipeline = steps.map(({ name, params }) => ({ name, params: params ?? {} }));
    zip.add(PIPELINE_FILE, encoder.encode(`${JSON.stringify(pipeline, null, 2)}\n`));
    zip.add(
      daskScriptName(steps),
      encoder.encode((await this.ndlab.daskScript(steps, { signal })).script),
    );
    const tables = new Tables();
    /** @type {Set<string>} */
    const stems = new Set();
    /** @type {string[][]} each file that failed, and its message */
    const failures = [];
    let done = 0;
    for (const [i, { file, path }] of files.entries()) {
      el.status.textContent = `${i + 1} of ${files.length}: ${path}`;
      if (signal.aborted) {
        setState(items[i], "cancelled", "not run: the batch was cancelled");
        continue;
      }
      try {
        const outcome = await this.runOne(file, steps, output, signal, (text) =>
          setState(items[i], "running", text),
        );
        const stem = uniqueStem(path, stems);
        for (const [extension, bytes] of outcome.files) zip.add(`${stem}.${extension}`, bytes);
        tables.add(path, steps, outcome.infos);
        done++;
        setState(items[i], "done", outcome.summary);
      } catch (error) {
        const e = /** @type {any} */ (error);
        if (e.name === "AbortError") setState(items[i], "cancelled", "cancelled while it ran");
        else {
          setState(items[i], "failed", "failed", e);
          failures.push([path, e.message]);
        }
      }
      el.progress.value = (i + 1) / files.length;
    }
    tables.writeTo(zip);
    zip.add(FAILURES_FILE, encoder.encode([["file", "error"], ...failures].map(csvLine).join("")));
    this.zip = {
      blob: await zip.finish(),
      name: `ndlab-batch-${steps.map((s) => s.name).join("-")}.zip`,
    };
    el.status.textContent =
      `${signal.aborted ? "Cancelled: " : ""}${done} of ${files.length} files done` +
      (failures.length ? `, ${failures.length} failed (see below)` : "") +
      `; the zip holds their results${tables.byStep.size ? ", the measurements as CSV" : ""}, the list of failures, the pipeline and its Dask script.`;
    el.download.textContent = `Download results (${done} ${done === 1 ? "file" : "files"}, zip)`;
    el.download.hidden = false;
  }

  /**
   * Open one file, run the pipeline on it and collect its results, then free it in the worker.
   * @param {File} file @param {Step[]} steps @param {string} output "png", "npy" or "both"
   * @param {AbortSignal} signal @param {(text: string) => void} say what is happening
   * @returns {Promise<{files: [string, Uint8Array][], infos: any[], summary: string}>}
   */
  async runOne(file, steps, output, signal, say) {
    say("opening…");
    const input = isArrayFile(file)
      ? await this.ndlab.readArray(file, "", { signal })
      : await readImage(file);
    try {
      say("running the pipeline…");
      const result = await this.ndlab.runPipeline(steps, input, { signal, histogram: false });
      say("saving…");
      /** @type {[string, Uint8Array][]} */
      const files = [];
      if (output !== "npy")
        files.push([
          "png",
          new Uint8Array(await (await canvasPng(canvasOf(result.image))).arrayBuffer()),
        ]);
      if (output !== "png") files.push(["npy", await this.ndlab.npy(steps, input, { signal })]);
      const objects = result.infos
        .map((/** @type {any} */ info) => info?.table?.rows.length)
        .filter((n) => n !== undefined);
      const summary = `done · ${sizeText(result.shape)} ${result.dtype}${objects.length ? ` · ${objects.join(", ")} table rows` : ""}`;
      return { files, infos: result.infos, summary };
    } finally {
      this.ndlab.release(input);
    }
  }

  /** A file's line in the list, queued. @param {string} path */
  item(path) {
    const item = document.createElement("li");
    item.append(
      Object.assign(document.createElement("span"), { className: "batch-name", textContent: path }),
    );
    item.append(Object.assign(document.createElement("span"), { className: "batch-state" }));
    setState(item, "queued", "queued");
    return item;
  }
}

/**
 * @param {HTMLElement} item @param {"queued" | "running" | "done" | "failed" | "cancelled"} state
 * @param {string} text @param {any} problem for a failed file: its error, shown as the page shows errors
 */
function setState(item, state, text, problem = null) {
  item.dataset.state = state;
  /** @type {HTMLElement} */ (item.querySelector(".batch-state")).textContent = text;
  item.querySelector(".message")?.remove();
  if (problem) {
    const box = document.createElement("div");
    showMessage(box, problem);
    item.append(box);
  }
}
