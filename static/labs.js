// @ts-check
// The SciPy labs: pick a lab, move its parameters (or click its plots), see plots, heat maps,
// tables, values, sentences and the script (NumPy, SciPy, matplotlib) that reproduces them.
import { readControls, renderControls } from "./controls.js";
import { download } from "./download.js";
import { tableView, valuesView } from "./info.js";
import { LabData, unusedWith } from "./lab-data.js";
import { drawHeatmap, drawPlot } from "./plots.js";
import { LatestRunner } from "./scheduler.js";
import {
  catalogueList,
  copyText,
  format,
  markStale,
  pressInList,
  reveal,
  sayProgress,
  writeHelp,
} from "./views/common.js";
import { parts } from "./views/parts.js";

/** @typedef {import("./views/common.js").Problem} Problem */

/**
 * The view's parts: title, summary (what the lab is about), params (the form), controls,
 * outputs, code, timings, busy, cancel, progress; where a page has them, list (the catalogue),
 * doc, data (the "Your data" panel), copyCode and downloadCode (saves the script as <lab>.py).
 */
const PARTS =
  "title summary params controls outputs code timings busy cancel progress list doc data " +
  "copyCode downloadCode";

export class LabsView {
  /**
   * @param {HTMLElement} root the view's root (`data-view`), holding its parts (PARTS)
   * @param {import("./api.js").Api} ndlab the JS API
   * @param {{onChange: (lab: string, params: object, data: string | null) => void,
   *   onMessage: (problem: Problem) => void, onResult?: (result: any) => void}} hooks
   *   `onChange` gets the learner's table too (null: the lab's own data), for the link
   * @param {{holdRoom?: boolean}} options `holdRoom`: before a lab's first result, hold the room
   *   its outputs will take (the embed view, where the host page must not move when Python answers)
   */
  constructor(
    root,
    ndlab,
    { onChange, onMessage, onResult = () => {} },
    { holdRoom = false } = {},
  ) {
    const el = parts(root, PARTS);
    this.el = el;
    this.ndlab = ndlab;
    this.onChange = onChange;
    this.onMessage = onMessage;
    this.onResult = onResult;
    this.holdRoom = holdRoom;
    /** @type {any[]} */ this.labs = [];
    /** @type {any} */ this.lab = null;
    /** @type {Record<string, any>} */ this.params = {};
    /** @type {string | null} the learner's table, or null for the chapter's data */ this.data =
      null;
    /**
     * Whether that table came from a link or a lesson and has not run yet: if Python refuses it,
     * the lab runs without it (once it has run, a refusal is the parameters').
     */
    this.linked = false;
    /** @type {Problem} a note on the link shown, kept over the next successful run */ this.notice =
      null;
    /** Whether the next results come into view: those of a table just put in use or put away. */
    this.revealNext = false;
    this.dataPanel = el.data
      ? new LabData(el.data, (text) => {
          this.data = text;
          this.linked = false;
          this.revealNext = true;
          this.offWithData();
          this.changed();
        })
      : null;
    this.runner = new LatestRunner((signal) => this.run(signal), {
      onBusy: (busy) => (el.busy.hidden = !busy),
      onCancellable: (show) => (el.cancel.hidden = !show),
    });
    el.controls.addEventListener("input", () => {
      this.params = readControls(el.controls, this.lab.params);
      this.changed();
    });
    el.params.addEventListener("submit", (/** @type {Event} */ e) => {
      e.preventDefault();
      this.runner.schedule();
    });
    el.cancel.addEventListener("click", () => this.runner.cancel());
    el.copyCode?.addEventListener("click", () =>
      copyText(el.copyCode, el.code.textContent, "the script"),
    );
    el.downloadCode?.addEventListener(
      "click",
      () =>
        this.shown &&
        download(
          new Blob([this.shown[0].code], { type: "text/x-python" }),
          `${this.shown[0].name}.py`,
        ),
    );
    /** @type {[any, number] | null} the result on show and its round trip, drawn again at a new width */
    this.shown = null;
    // Plots are drawn to the width and colours they have: draw them again when the width changes
    // (presenter mode, a resized window or frame, a view shown after being hidden) or the theme.
    this.width = 0;
    const redraw = () => {
      if (this.width === 0) return;
      if (this.shown) this.render(...this.shown);
      else if (this.el.outputs.classList.contains("placeholder")) this.reserve();
    };
    new ResizeObserver(([entry]) => {
      if (entry.contentRect.width === this.width) return;
      this.width = entry.contentRect.width;
      redraw();
    }).observe(el.outputs);
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", redraw);
  }

  /** @param {any[]} labs the labs catalogue */
  setCatalogue(labs) {
    this.labs = labs;
    if (this.el.list)
      catalogueList(this.el.list, labs, this.lab?.name ?? null, (name) => this.select(name), "lab");
  }

  /**
   * @param {string} name @param {Record<string, any>} params
   * @param {string | null} data a table from a link or a lesson, or null for the lab's own data
   */
  select(name, params = {}, data = null) {
    this.lab = this.labs.find((lab) => lab.name === name) ?? this.labs[0];
    this.params = { ...params };
    if (this.el.list) pressInList(this.el.list, this.lab.name, "lab");
    this.el.title.textContent = this.lab.title;
    this.el.summary.textContent = this.lab.about;
    if (this.lab.data) this.el.summary.append(dataCredit(this.lab.data));
    this.data = data;
    this.linked = data !== null;
    this.dataPanel?.show(this.lab.data, data);
    if (this.el.doc) writeHelp(this.el.doc, this.lab.doc);
    renderControls(this.el.controls, this.lab.params, this.params);
    this.offWithData();
    this.el.outputs.replaceChildren();
    this.shown = null;
    if (this.holdRoom && this.lab.outputs) this.reserve();
    this.changed();
  }

  /** Parameters set by clicking a plot. @param {Record<string, number>} values */
  setParams(values) {
    Object.assign(this.params, values);
    renderControls(this.el.controls, this.lab.params, this.params);
    this.offWithData();
    this.changed();
  }

  /**
   * Turn off the controls that change nothing with the learner's data in use: those that shape
   * only the lab's own data (its `makes`), and those for a table without the columns it gives.
   */
  offWithData() {
    const unused = unusedWith(this.lab?.data, this.data);
    for (const name of [...(this.lab?.data?.makes ?? []), ...(this.lab?.data?.alone ?? [])]) {
      const row = this.el.controls.querySelector(`#param-${name}`)?.closest(".control");
      if (!row) continue;
      const why = unused.get(name);
      row
        .querySelectorAll("input, select")
        .forEach((/** @type {HTMLInputElement} */ input) => (input.disabled = Boolean(why)));
      row.classList.toggle("off", Boolean(why));
      row.title = why ? `Not used with your data: ${why}.` : "";
    }
  }

  changed() {
    this.onChange(this.lab.name, this.params, this.data);
    this.runner.schedule();
  }

  /** Show what was wrong with a link, and keep showing it after the run it leads to. @param {Problem} problem */
  warn(problem) {
    this.notice = problem;
    this.onMessage(problem);
  }

  /** @param {AbortSignal} signal */
  async run(signal) {
    const lab = this.lab;
    await this.ndlab.ready.catch(() => {}); // time the run, not Python's start (a failed start shows below)
    const started = performance.now();
    const say = sayProgress(this.el.busy, "computing…");
    try {
      const params = this.data === null ? this.params : { ...this.params, data: this.data };
      const result = await this.ndlab.runLab(lab.name, params, {
        signal,
        onProgress: (/** @type {{fraction: number, message: string}} */ p) => {
          this.el.progress.hidden = false;
          this.el.progress.value = p.fraction;
          this.el.progress.title = p.message;
          say(p);
        },
      });
      if (lab !== this.lab) return; // another lab was chosen meanwhile
      this.render(result, performance.now() - started);
      markStale(this.el.outputs, "");
      if (this.revealNext) reveal(this.el.outputs);
      this.onMessage(this.notice);
      this.notice = null;
      this.linked = false;
      this.onResult(result);
    } catch (error) {
      this.notice = null;
      const e = /** @type {any} */ (error);
      // a parameter that Python refuses is the parameter's fault; anything else it refuses while
      // a table is in use is the table's
      const dataRefused = this.data !== null && e.type === "ValueError" && e.about !== "parameters";
      if (this.shown)
        markStale(
          this.el.outputs,
          e.name === "AbortError"
            ? "the run was cancelled"
            : dataRefused
              ? "your data was refused"
              : "these settings were refused",
        );
      if (!dataRefused) return this.onMessage(e);
      if (!this.linked) {
        this.dataPanel?.refused(e.message);
        return this.onMessage({
          message: `Your data cannot be used: ${e.message}.`,
          hint: `Correct it under Your data (${this.dataPanel?.needs() ?? "see what the lab takes"}) and press Use this data again, or go back to the lab's own data.`,
        });
      }
      // A table from a link that Python refuses: say why, and run the lab on its own data.
      this.warn({
        message: `The link's table cannot be used: ${e.message}.`,
        hint: "The lab runs on its own data instead; correct the table under Your data, then use it.",
      });
      this.data = null;
      this.linked = false;
      this.offWithData();
      this.dataPanel?.dropped();
      this.changed();
    } finally {
      this.el.progress.hidden = true;
      if (!signal.aborted) this.revealNext = false; // a newer run, which replaced this one, reveals
    }
  }

  /**
   * Hold the room of the lab's outputs until its first result: the outline of them in its
   * catalogue entry (their titles, sizes and sentences with the default parameters, without their
   * data) drawn as blank placeholders of the same size.
   */
  reserve() {
    this.draw(this.lab.outputs, this.lab.name);
    this.el.outputs.classList.add("placeholder");
    this.el.outputs.setAttribute("aria-busy", "true");
    for (const child of this.el.outputs.children) child.setAttribute("aria-hidden", "true");
  }

  /** @param {any} result @param {number} roundTripMs */
  render(result, roundTripMs) {
    this.shown = [result, roundTripMs];
    this.el.outputs.classList.remove("placeholder");
    this.el.outputs.removeAttribute("aria-busy");
    this.draw(result.outputs, result.name);
    this.el.code.textContent = result.code;
    if (this.el.downloadCode) this.el.downloadCode.disabled = false;
    this.el.timings.textContent = `SciPy ${format(result.timings.compute_ms)} ms · round trip ${roundTripMs.toFixed(1)} ms`;
    performance.mark("ndlab:lab-result");
  }

  /**
   * Draw a lab's outputs, a result's or an outline's, into the outputs box.
   * @param {any} outputs @param {string} name the lab's (names the tables' CSV files)
   */
  draw(outputs, name) {
    const box = this.el.outputs;
    box.replaceChildren();
    const setParams = (/** @type {Record<string, number>} */ values) => this.setParams(values);
    for (const sentence of outputs.text ?? [])
      box.append(
        Object.assign(document.createElement("p"), { className: "answer", textContent: sentence }),
      );
    const figures = Object.assign(document.createElement("div"), { className: "figures" });
    box.append(figures);
    for (const map of outputs.heatmaps ?? []) drawHeatmap(figures, map, setParams);
    for (const plot of outputs.plots ?? []) drawPlot(figures, plot, setParams);
    if (Object.keys(outputs.values ?? {}).length) box.append(valuesView(outputs.values));
    for (const table of outputs.tables ?? [])
      box.append(tableView(table, `${name}-${table.title ?? "table"}`));
  }
}

/**
 * The sentence beside a lab that says which of the chapter's files it runs on, with links to them
 * (the exported script loads them by name) and their credit.
 * @param {{files: string[], help: string, credit: string}} data the lab's catalogue entry `data`
 */
function dataCredit(data) {
  const line = Object.assign(document.createElement("span"), { className: "data-credit" });
  line.append(` ${data.help}`);
  if (!data.files.length) return line; // the lab's own matrices
  line.append(" Data: ");
  data.files.forEach((file, i) => {
    if (i) line.append(", ");
    line.append(
      Object.assign(document.createElement("a"), {
        href: `data/scipy-lectures/${file}`,
        download: file,
        textContent: file,
      }),
    );
  });
  line.append(` — ${data.credit}.`);
  return line;
}
