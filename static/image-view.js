// @ts-check
// The image workspace as one view: an input, a pipeline of operations run in the worker on
// full-precision arrays, the result shown with its code. The full page and the embed view both
// use it, each finding the view's parts inside its root (views/parts.js); parts a page does not
// have (the operation list, histograms, downloads…) are left out.
import { readControls, renderControls } from "./controls.js";
import { canvasOf, canvasPng, daskScriptName, download } from "./download.js";
import { drawCounts, drawHistogram } from "./histogram.js";
import { ImageInputError, isArrayFile, readImage } from "./images.js";
import { renderInfo, sizeText } from "./info.js";
import { LatestRunner } from "./scheduler.js";
import { show } from "./viewer.js";
import {
  catalogueList,
  copyText,
  format,
  markStale,
  reveal,
  sayProgress,
  writeHelp,
} from "./views/common.js";
import { parts } from "./views/parts.js";

/** @typedef {import("./permalink.js").Step} Step */
/** @typedef {import("./views/common.js").Problem} Problem */

/**
 * @typedef {{
 *   controls: HTMLElement, params: HTMLFormElement, busy: HTMLElement, cancel: HTMLElement,
 *   original: HTMLCanvasElement, result: HTMLCanvasElement, originalCaption: HTMLElement,
 *   resultCaption: HTMLElement, code: HTMLElement, timings: HTMLElement,
 *   title?: HTMLElement, summary?: HTMLElement, doc?: HTMLElement, opList?: HTMLElement,
 *   opSearch?: HTMLInputElement, steps?: HTMLElement, undo?: HTMLButtonElement,
 *   addStep?: HTMLButtonElement, opHint?: HTMLElement, views?: HTMLElement, histOriginal?: HTMLCanvasElement, histResult?: HTMLCanvasElement,
 *   info?: HTMLElement, downloadPng?: HTMLButtonElement, downloadNpy?: HTMLButtonElement,
 *   daskExport?: HTMLButtonElement, daskNotes?: HTMLElement, copyCode?: HTMLButtonElement,
 *   variableLabel?: HTMLElement, variableSelect?: HTMLSelectElement, sampleSelect?: HTMLSelectElement
 * }} ImageElements
 */

/** The parts of ImageElements, by name. */
const PARTS =
  "controls params busy cancel original result originalCaption resultCaption code timings " +
  "title summary doc opList opSearch steps undo addStep opHint views histOriginal " +
  "histResult info downloadPng downloadNpy daskExport daskNotes copyCode variableLabel " +
  "variableSelect sampleSelect";

/** How the last array is shown, for the caption. */
const OUTPUTS = {
  clip: "values clipped to 0–255",
  rescale: "stretched from its range to 0–255",
  mask: "mask: white = true",
  labels: "labels in colour",
};

export class ImageView {
  /**
   * @param {HTMLElement} root the view's root (`data-view`), holding its parts (ImageElements)
   * @param {import("./api.js").Api} ndlab the JS API
   * @param {{compare?: any, onChange?: () => void, onMessage?: (problem: Problem, actions?: HTMLElement[]) => void,
   *   onResult?: (result: any) => void}} hooks `compare`: a Compare for the two canvases (else
   *   they are drawn as they are); `onChange`: the pipeline or the input changed (write the URL)
   */
  constructor(
    root,
    ndlab,
    { compare = null, onChange = () => {}, onMessage = () => {}, onResult = () => {} } = {},
  ) {
    const el = /** @type {ImageElements} */ (parts(root, PARTS));
    this.el = el;
    this.ndlab = ndlab;
    this.compare = compare;
    this.onChange = onChange;
    this.onMessage = onMessage;
    this.onResult = onResult;
    /** @type {any[]} */ this.ops = [];
    /** @type {ImageData | null} the input as shown */ this.image = null;
    /** @type {any} what runs take: the ImageData, or a readArray handle (its array is in the worker) */
    this.input = null;
    /** @type {string | null} the sample shown, or null for a file */ this.sample = null;
    /** @type {Step[]} */ this.steps = [];
    this.selected = 0;
    /** @type {string[]} earlier pipelines, for Undo */ this.history = [];
    /** @type {Step[]} the pipeline as last recorded for Undo */ this.lastCommitted = [];
    /** @type {any} the last result shown */ this.result = null;
    /** A slider is being dragged: the values under the cursor wait until it is let go. */
    this.previewing = false;
    /** Add step was pressed: the next operation picked becomes a new step. */
    this.adding = false;
    this.runner = new LatestRunner((signal) => this.run(signal), {
      onBusy: (busy) => (el.busy.hidden = !busy),
      onCancellable: (show) => (el.cancel.hidden = !show),
    });
    this.wire();
  }

  /** @param {any[]} ops the catalogue's operations */
  setCatalogue(ops) {
    this.ops = ops;
  }

  /** @param {string} name */
  opOf(name) {
    return this.ops.find((op) => op.name === name);
  }

  schedule() {
    this.runner.schedule();
  }

  // --- the pipeline ------------------------------------------------------------------------

  /** Show the first pipeline, with nothing to undo; it runs once an input opens. @param {Step[]} steps */
  start(steps) {
    this.steps = steps;
    this.lastCommitted = structuredClone(steps);
    this.renderPipeline();
    this.renderSelected();
  }

  /** Replace the pipeline (a link, a lesson, a host page). @param {Step[]} steps */
  setSteps(steps, selected = 0) {
    this.steps = steps;
    this.selected = Math.min(selected, steps.length - 1);
    this.commit();
  }

  /** Record the pipeline for Undo and the URL, then redraw and recompute. */
  commit({ remember = true } = {}) {
    this.setAdding(false);
    if (remember) this.remember();
    this.lastCommitted = structuredClone(this.steps);
    this.onChange();
    this.renderPipeline();
    this.renderSelected();
    this.schedule();
  }

  remember() {
    this.history.push(JSON.stringify({ steps: this.lastCommitted, selected: this.selected }));
    if (this.history.length > 100) this.history.shift();
  }

  undo() {
    const previous = this.history.pop();
    if (!previous) return;
    const { steps, selected } = JSON.parse(previous);
    this.steps = steps;
    this.selected = Math.min(selected, steps.length - 1);
    this.commit({ remember: false });
  }

  /**
   * Use operation `name` for the step selected or, after Add step, for a new step after it. Its
   * parameters come into view (on a phone they lie below the list), with the focus for a new step;
   * a step's operation changed leaves the focus in the list, to try the next one.
   * @param {string} name
   */
  setStepOp(name) {
    const adding = this.adding;
    this.setAdding(false);
    if (adding) this.steps.splice(++this.selected, 0, { name, params: {} });
    else this.steps[this.selected] = { name, params: {} };
    this.commit();
    if (this.el.params) reveal(this.el.params, adding ? (this.el.title ?? null) : null);
  }

  /**
   * Add step: the next operation picked from the list becomes a new step after the one selected.
   * The list comes into view with its search box focused, and says what to do.
   */
  addStep() {
    this.setAdding(!this.adding);
    if (this.adding && this.el.opList)
      reveal(
        /** @type {HTMLElement} */ (this.el.opList.closest("nav") ?? this.el.opList),
        this.el.opSearch ?? this.el.opList,
      );
  }

  /** @param {boolean} on */
  setAdding(on) {
    if (on === this.adding) return;
    this.adding = on;
    this.renderOpList();
    const { addStep, opHint } = this.el;
    addStep?.setAttribute("aria-pressed", String(on));
    if (addStep) addStep.textContent = on ? "Cancel adding" : "Add step";
    if (opHint) {
      opHint.hidden = !on;
      opHint.textContent = `Pick the operation of the new step ${this.selected + 2}, after “${this.describeStep(this.steps[this.selected])}”.`;
    }
  }

  /** @param {number} i */
  selectStep(i) {
    this.setAdding(false);
    this.selected = i;
    this.renderPipeline();
    this.renderSelected();
    this.showInfo();
  }

  /** @param {number} i @param {number} by */
  moveStep(i, by) {
    const [step] = this.steps.splice(i, 1);
    this.steps.splice(i + by, 0, step);
    this.selected = i + by;
    this.commit();
  }

  /** @param {number} i */
  removeStep(i) {
    this.steps.splice(i, 1);
    this.selected = Math.min(this.selected, this.steps.length - 1);
    this.commit();
  }

  /** A step's label: its title and the parameters that differ from the defaults. @param {Step} step */
  describeStep(step) {
    const op = this.opOf(step.name);
    const changed = op.params.filter(
      (/** @type {any} */ p) => p.name in step.params && step.params[p.name] !== p.default,
    );
    return `${op.title}${changed.length ? ` (${changed.map((/** @type {any} */ p) => `${p.name}=${step.params[p.name]}`).join(", ")})` : ""}`;
  }

  describe() {
    return this.steps.map((s) => this.describeStep(s)).join(", then ");
  }

  renderOpList(filter = this.el.opSearch?.value ?? "") {
    const list = this.el.opList;
    if (!list) return;
    const needle = filter.trim().toLowerCase();
    // while a step is being added, no operation is the new step's yet
    const current = this.adding ? null : this.steps[this.selected]?.name;
    const matching = this.ops.filter(
      (op) =>
        !needle ||
        `${op.name} ${op.title} ${op.summary} ${op.category}`.toLowerCase().includes(needle),
    );
    catalogueList(list, matching, current, (name) => this.setStepOp(name), "op");
  }

  renderPipeline() {
    const { steps: list, undo } = this.el;
    if (!list) return;
    const items = this.steps.map((step, i) => {
      const li = document.createElement("li");
      const select = button(this.describeStep(step), () => this.selectStep(i), "step");
      if (i === this.selected) select.setAttribute("aria-current", "step");
      const up = button("↑", () => this.moveStep(i, -1), "icon");
      up.setAttribute("aria-label", `Move step ${i + 1} up`);
      up.disabled = i === 0;
      const remove = button("✕", () => this.removeStep(i), "icon");
      remove.setAttribute("aria-label", `Remove step ${i + 1}`);
      remove.disabled = this.steps.length === 1;
      li.append(select, up, remove);
      return li;
    });
    list.replaceChildren(...items);
    if (undo) undo.disabled = this.history.length === 0;
  }

  renderSelected() {
    const step = this.steps[this.selected];
    const op = this.opOf(step.name);
    if (this.el.title) this.el.title.textContent = op.title;
    if (this.el.summary) writeHelp(this.el.summary, op.summary);
    if (this.el.doc) writeHelp(this.el.doc, op.doc);
    renderControls(this.el.controls, op.params, step.params);
    this.renderOpList();
  }

  // --- running -----------------------------------------------------------------------------

  /** Run the pipeline in the worker; only the steps from the first one edited are computed. @param {AbortSignal} signal */
  async run(signal) {
    if (!this.input || !this.steps.length) return;
    await this.ndlab.ready.catch(() => {}); // time the run, not Python's start (a failed start shows below)
    const started = performance.now();
    // a slider preview brings back the display only, or a draft of it when the full run is slow;
    // the exact result, its values and their histogram come when the slider is let go
    const preview = this.previewing;
    try {
      const result = await this.ndlab.runPipeline(this.steps, this.input, {
        signal,
        onProgress: sayProgress(this.el.busy, "computing…"),
        values: !preview,
        histogram: !preview,
        preview,
      });
      this.result = result;
      this.onMessage(null);
      markStale(/** @type {HTMLElement} */ (this.el.result.parentElement), "");
      this.showResult(performance.now() - started, preview);
      this.onResult(result);
    } catch (error) {
      const e = /** @type {any} */ (error);
      // too big for Python's memory: offer the largest size that fits (half the pixels if unknown)
      const downscale = e.type === "MemoryError" && this.input instanceof ImageData;
      if (this.result)
        markStale(
          /** @type {HTMLElement} */ (this.el.result.parentElement),
          e.name === "AbortError"
            ? "the run was cancelled"
            : "this run was refused (see the message)",
        );
      this.onMessage(
        e,
        downscale ? [button("Downscale and run", () => this.downscale(e.fit ?? Math.SQRT1_2))] : [],
      );
    }
  }

  /** @param {number} roundTripMs @param {boolean} preview a slider preview: the histograms wait for the full result */
  showResult(roundTripMs, preview = false) {
    const { result, image, el } = this;
    if (!result || !image) return;
    const painting = performance.now();
    this.draw(this.opOf(this.steps[this.steps.length - 1].name).title, this.describe(), preview);
    const t = result.timings;
    const detail = {
      draft: result.draft ?? 1,
      round_trip_ms: roundTripMs,
      python_ms: t.python_ms,
      paint_ms: performance.now() - painting,
    };
    performance.mark("ndlab:result", { detail }); // counted by `build.py bench`
    const ms = (/** @type {number} */ x) => `${x.toFixed(1)} ms`;
    const reused = t.steps.filter((/** @type {any} */ s) => s.reused).length;
    el.timings.textContent =
      `SciPy ${ms(t.compute_ms)} · conversion ${ms(t.convert_ms)}` +
      (reused ? ` · ${reused} of ${t.steps.length} steps reused` : "") +
      ` · round trip ${ms(roundTripMs)}` +
      (result.memory_mb ? ` · Python memory ${result.memory_mb.toFixed(0)} MB` : "");
    // written from the record of the steps, with the result: no second call to Python (a draft
    // has none: the code comes with the full-size result)
    if (result.code !== null) el.code.textContent = result.code;
  }

  /**
   * Show the array a learner's code left in `result` in the same viewers, with its histogram,
   * values under the cursor and downloads (the .npy is the one the code made).
   * @param {import("./api.js").CodeResult} code
   */
  showCode(code) {
    const data = /** @type {any} */ (code.data);
    if (!code.image || !this.image) return;
    this.result = { ...data, image: code.image, infos: [], fromCode: true };
    this.draw("Your code", "the array your code left in result");
    this.el.timings.textContent = "";
  }

  /**
   * Draw the result in the viewers, with its caption.
   * @param {string} title @param {string} description
   * @param {boolean} preview a slider preview: the histograms wait for the full result
   */
  draw(title, description, preview = false) {
    const { result, image, el } = this;
    const [height, width] = result.display_shape ?? [];
    const full = result.draft > 1 ? { width, height } : null;
    if (this.compare)
      this.compare.set(
        image,
        result.image,
        result.values && { values: result.values, shape: result.shape },
        full,
      );
    else {
      show(el.original, /** @type {ImageData} */ (image));
      show(el.result, result.image, Boolean(full));
    }
    if (!preview) this.drawHistograms();
    const kind =
      result.returns === "image"
        ? `${result.dtype} ${result.range.map((/** @type {number} */ x) => format(x, 4)).join(" to ")}`
        : result.returns;
    el.resultCaption.textContent =
      result.draft > 1
        ? `${title} · draft at 1/${result.draft} size while the slider moves (lengths in pixels scaled); exact when you let go`
        : `${title} · ${result.image.width}×${result.image.height} · ${kind} · ${OUTPUTS[/** @type {keyof OUTPUTS} */ (result.output)]}`;
    el.result.setAttribute("aria-label", `Result: ${description}`);
    if (el.downloadPng && el.downloadNpy)
      el.downloadPng.disabled = el.downloadNpy.disabled = result.draft > 1;
    if (!(result.draft > 1)) this.showInfo(); // a draft's measurements are of the smaller copy
  }

  showInfo() {
    if (this.el.info && this.result)
      renderInfo(
        this.el.info,
        this.result.infos[this.selected] ?? {},
        this.steps[this.selected]?.name,
      );
  }

  /** The histograms of the input's pixels and of the result's values (its pixels for masks and labels). */
  drawHistograms() {
    const { histOriginal, histResult } = this.el;
    if (histOriginal && this.image) drawHistogram(histOriginal, this.image);
    if (!histResult || !this.result) return;
    if (this.result.histogram) drawCounts(histResult, this.result.histogram);
    else drawHistogram(histResult, this.result.image);
  }

  // --- the input -----------------------------------------------------------------------------

  /**
   * Show a new input and run the pipeline on it.
   * @param {ImageData} image what is shown @param {string} caption @param {{sample?: string | null, input?: any}} source
   *   `input`: what runs take when it is not `image` itself (a readArray handle)
   */
  setImage(image, caption, { sample = null, input = image } = {}) {
    if (this.input && this.input !== input) this.ndlab.release(this.input); // its memory, now
    this.image = image;
    this.input = input;
    this.sample = sample;
    this.result = null;
    markStale(/** @type {HTMLElement} */ (this.el.result.parentElement), "");
    this.el.originalCaption.textContent = `${caption} · ${image.width}×${image.height}`;
    this.el.original.setAttribute("aria-label", `Original image: ${caption}`);
    if (this.compare) this.compare.set(image, null);
    else show(this.el.original, image);
    if (this.el.histOriginal) drawHistogram(this.el.histOriginal, image);
    this.onChange();
    this.schedule();
  }

  /** Downscale the input so that a run fits in memory (MemoryError's `fit`), then run again. @param {number} fit */
  downscale(fit) {
    const image = /** @type {ImageData} */ (this.image);
    const caption = this.el.originalCaption.textContent?.split(" · ")[0];
    this.setImage(scaled(image, fit), `${caption}, downscaled from ${image.width}×${image.height}`);
  }

  /** @param {string} name */
  async openSample(name) {
    const sample = (await this.ndlab.samples()).find((/** @type {any} */ s) => s.name === name);
    if (!sample)
      return this.onMessage({
        message: `There is no sample called “${name}”.`,
        hint: "Pick one from the list.",
      });
    if (this.el.sampleSelect) this.el.sampleSelect.value = name;
    try {
      this.setImage(await this.ndlab.loadSample(name), sample.title, { sample: name });
    } catch (error) {
      this.onMessage(/** @type {any} */ (error));
    }
  }

  /** An image, or a .npy, .npz or .mat array (kept in full precision in the worker). @param {File} file */
  async openFile(file, downscale = false, variable = "") {
    try {
      if (isArrayFile(file)) {
        const handle = await this.ndlab.readArray(file, variable);
        this.showVariables(file, handle.meta);
        const { variable: name, shape, dtype } = handle.meta;
        this.setImage(
          handle.image,
          `${file.name}${name ? ` : ${name}` : ""} (${sizeText(shape)} ${dtype})`,
          { input: handle },
        );
      } else {
        this.showVariables(file, null);
        this.setImage(await readImage(file, { downscale }), file.name);
      }
      this.onMessage(null);
    } catch (error) {
      const e = /** @type {any} */ (error);
      this.onMessage(
        e,
        e instanceof ImageInputError && e.size
          ? [button("Downscale and open", () => this.openFile(file, true))]
          : [],
      );
    }
  }

  /** The arrays of a .npz or .mat file, to choose from. @param {File} file @param {any} meta */
  showVariables(file, meta) {
    const { variableLabel: label, variableSelect: select } = this.el;
    if (!label || !select) return;
    const variables = meta?.variables ?? [];
    label.hidden = variables.length < 2;
    select.replaceChildren(
      ...variables.map((/** @type {string} */ v) => new Option(v, v, false, v === meta.variable)),
    );
    select.onchange = () => this.openFile(file, false, select.value);
  }

  // --- wiring ----------------------------------------------------------------------------------

  wire() {
    const { el } = this;
    el.opSearch?.addEventListener("input", () => this.renderOpList());
    const { copyCode } = el;
    copyCode?.addEventListener("click", () =>
      copyText(copyCode, el.code.textContent ?? "", "the code"),
    );
    el.sampleSelect?.addEventListener("change", () =>
      this.openSample(/** @type {HTMLSelectElement} */ (el.sampleSelect).value),
    );
    el.params.addEventListener("submit", (e) => {
      e.preventDefault();
      this.schedule();
    });
    el.controls.addEventListener("change", (/** @type {any} */ e) => {
      if (e.target.type !== "range") return;
      this.previewing = false; // the slider was let go: the values under the cursor come back
      this.schedule();
    });
    let remember = 0;
    el.controls.addEventListener("input", (/** @type {any} */ e) => {
      this.previewing = e.target.type === "range";
      const step = this.steps[this.selected];
      step.params = readControls(el.controls, this.opOf(step.name).params);
      this.renderPipeline();
      this.onChange();
      this.schedule();
      clearTimeout(remember); // one Undo entry per burst of edits
      remember = window.setTimeout(() => {
        this.remember();
        this.lastCommitted = structuredClone(this.steps);
        this.renderPipeline();
      }, 600);
    });
    el.addStep?.addEventListener("click", () => this.addStep());
    el.undo?.addEventListener("click", () => this.undo());
    el.cancel.addEventListener("click", () => this.runner.cancel());
    el.downloadPng?.addEventListener(
      "click",
      async () =>
        this.result &&
        download(await canvasPng(canvasOf(this.result.image)), `${this.fileStem()}.png`),
    );
    el.daskExport?.addEventListener("click", () => this.exportDask());
    el.downloadNpy?.addEventListener("click", async () => {
      try {
        const npy = this.result?.fromCode
          ? this.result.npy
          : await this.ndlab.npy(this.steps, this.input);
        download(new Blob([npy]), `${this.fileStem()}.npy`);
      } catch (error) {
        this.onMessage(/** @type {any} */ (error));
      }
    });
  }

  /** Download the pipeline as a Dask script; say how to run it and which steps it runs on the whole array. */
  async exportDask() {
    const { daskNotes } = this.el;
    try {
      const { script, notes } = await this.ndlab.daskScript(this.steps);
      const name = daskScriptName(this.steps);
      download(new Blob([script], { type: "text/x-python" }), name);
      if (daskNotes) {
        const run = `Downloaded ${name}: run it with python ${name} FOLDER --out RESULTS (its first lines say what to install).`;
        daskNotes.textContent = [run, ...notes].join(" ");
        daskNotes.hidden = false;
      }
    } catch (error) {
      this.onMessage(/** @type {any} */ (error));
    }
  }

  fileStem() {
    return this.result?.fromCode
      ? "ndlab-your-code"
      : `ndlab-${this.steps.map((s) => s.name).join("-")}`;
  }
}

/** @param {string} label @param {() => void} onClick @param {string} className */
export function button(label, onClick, className = "small") {
  const b = Object.assign(document.createElement("button"), {
    type: "button",
    textContent: label,
    className,
  });
  b.addEventListener("click", onClick);
  return b;
}

/** `image` with its width and height multiplied by `scale` (rounded down), smoothed by the browser. @param {ImageData} image @param {number} scale */
function scaled(image, scale) {
  const width = Math.max(1, Math.floor(image.width * scale));
  const height = Math.max(1, Math.floor(image.height * scale));
  const small = Object.assign(document.createElement("canvas"), { width, height });
  const ctx = /** @type {CanvasRenderingContext2D} */ (
    small.getContext("2d", { willReadFrequently: true })
  );
  ctx.drawImage(canvasOf(image), 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height);
}
