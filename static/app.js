// @ts-check
// The page: an image, a pipeline of operations, the result compared with the original.
import { createApi } from "./api.js";
import { Compare } from "./compare.js";
import { readControls, renderControls, revealPressed } from "./controls.js";
import { canvasPng, download } from "./download.js";
import { drawHistogram } from "./histogram.js";
import { ImageInputError, readImage } from "./images.js";
import { renderInfo } from "./info.js";
import { LabsView } from "./labs.js";
import { LessonView } from "./lesson.js";
import { registerOffline } from "./offline.js";
import { decode, decodeLab, encode, encodeLab } from "./permalink.js";
import { Presenter } from "./presenter.js";
import { LatestRunner } from "./scheduler.js";
import { helpDialog, installShortcuts } from "./shortcuts.js";

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

/** @typedef {import("./permalink.js").Step} Step */

const state = {
  /** @type {any[]} */ ops: [],
  /** @type {any[]} */ samples: [],
  /** @type {ImageData | null} */ image: null,
  /** @type {string | null} the sample shown, or null for a file */ sample: null,
  /** Bumped whenever the input image changes; part of each cached step's key. */
  imageVersion: 0,
  /** @type {Step[]} */ steps: [],
  selected: 0,
  /** @type {{key: string, result: any}[]} step outputs, reused while their inputs are unchanged */
  cache: [],
  /** @type {string[]} earlier pipelines, for Undo */ history: [],
  /** @type {Step[]} the pipeline as last recorded for Undo */ lastCommitted: [],
  /** A slider is being dragged: run on a smaller copy of the image until it is let go. */
  previewing: false,
  /** @type {{version: number, image: ImageData} | null} that smaller copy */
  preview: null,
};

/** Previews while dragging are computed on about this many pixels. */
const PREVIEW_PIXELS = 250_000;

/** The image scaled down for previews, or null when it is small enough already. */
function previewImage() {
  const { image } = /** @type {{image: ImageData}} */ (state);
  if (image.width * image.height <= 1.5 * PREVIEW_PIXELS) return null;
  if (state.preview?.version !== state.imageVersion) {
    state.preview = { version: state.imageVersion, image: scaled(image, Math.sqrt(PREVIEW_PIXELS / (image.width * image.height))) };
  }
  return state.preview.image;
}

/** `image` with its width and height multiplied by `scale` (rounded down), smoothed by the browser. */
function scaled(/** @type {ImageData} */ image, /** @type {number} */ scale) {
  const source = Object.assign(document.createElement("canvas"), { width: image.width, height: image.height });
  /** @type {CanvasRenderingContext2D} */ (source.getContext("2d")).putImageData(image, 0, 0);
  const width = Math.max(1, Math.floor(image.width * scale));
  const height = Math.max(1, Math.floor(image.height * scale));
  const small = Object.assign(document.createElement("canvas"), { width, height });
  const ctx = /** @type {CanvasRenderingContext2D} */ (small.getContext("2d", { willReadFrequently: true }));
  ctx.drawImage(source, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height);
}

/** Downscale the image so that a run fits in memory (MemoryError's `fit`), then run again. */
function downscaleAndRun(/** @type {number} */ fit) {
  const image = /** @type {ImageData} */ (state.image);
  const caption = $("original-caption").textContent.split(" · ")[0];
  setImage(scaled(image, fit), `${caption}, downscaled from ${image.width}×${image.height}`);
}

const ndlab = createApi(showProgress);
Object.assign(window, { ndlab });
const compare = new Compare({
  original: $("original"), result: $("result"), mode: $("compare-mode"), split: $("split"),
  zoom: $("zoom"), inspector: $("inspector"), views: $("views"),
});

function showProgress({ stage, loaded, total }) {
  $("runtime-progress").value = total ? Math.min(loaded / total, 1) : 0;
  const mb = (/** @type {number} */ n) => (n / 1e6).toFixed(1);
  $("runtime-text").textContent = total > 1 ? `${stage}: ${mb(loaded)} of ${mb(total)} MB` : `${stage}…`;
  // A fresh Python is starting after a crash: say so, and say when it is ready again.
  if (document.body.dataset.ready === "true") {
    delete document.body.dataset.ready;
    waitForPython();
  }
}

/** Wait until Python is ready and say so in the header; false (and a message) if it failed. */
async function waitForPython() {
  try {
    const { timings } = await ndlab.ready;
    $("runtime-progress").value = 1;
    $("runtime-text").textContent = `Python ready in ${(timings.startup_ms / 1000).toFixed(1)} s`;
    document.body.dataset.ready = "true";
    return true;
  } catch (error) {
    $("runtime-text").textContent = "Python failed to start";
    showMessage(/** @type {any} */ (error));
    return false;
  }
}

/** @typedef {{message: string, hint?: string, name?: string} | null} Problem */

/** @param {Problem} error @param {HTMLElement[]} actions */
function showMessage(error, actions = []) {
  showMessageIn($("message"), error, actions);
}

/** @param {HTMLElement} box @param {Problem} error @param {HTMLElement[]} actions */
function showMessageIn(box, error, actions = []) {
  box.hidden = !error;
  if (!error) return;
  box.className = `message ${/** @type {any} */ (error).name === "AbortError" ? "info" : "error"}`;
  const title = Object.assign(document.createElement("strong"), { textContent: error.message });
  const hint = document.createTextNode(error.hint ? ` ${error.hint}` : "");
  box.replaceChildren(title, hint, ...actions);
}

/** @param {string} label @param {() => void} onClick @param {string} className */
function button(label, onClick, className = "small") {
  const b = Object.assign(document.createElement("button"), { type: "button", textContent: label, className });
  b.addEventListener("click", onClick);
  return b;
}

const opOf = (/** @type {string} */ name) => state.ops.find((op) => op.name === name);

// --- the operation list and the pipeline ---------------------------------------------------

function renderOpList(filter = "") {
  const needle = filter.trim().toLowerCase();
  const current = state.steps[state.selected]?.name;
  const matching = state.ops.filter((op) => !needle || `${op.name} ${op.title} ${op.summary} ${op.category}`.toLowerCase().includes(needle));
  const groups = [...Map.groupBy(matching, (op) => op.category)].map(([category, ops]) => {
    const group = document.createElement("section");
    group.append(Object.assign(document.createElement("h3"), { textContent: category }));
    for (const op of ops) {
      const b = button(op.title, () => setStepOp(op.name), "");
      b.title = op.summary;
      b.dataset.op = op.name;
      b.setAttribute("aria-pressed", String(op.name === current));
      group.append(b);
    }
    return group;
  });
  $("op-list").replaceChildren(...groups);
  revealPressed($("op-list"));
}

/** A step's label: its title and the parameters that differ from the defaults. */
function describeStep(/** @type {Step} */ step) {
  const op = opOf(step.name);
  const changed = op.params.filter((/** @type {any} */ p) => p.name in step.params && step.params[p.name] !== p.default);
  return `${op.title}${changed.length ? ` (${changed.map((/** @type {any} */ p) => `${p.name}=${step.params[p.name]}`).join(", ")})` : ""}`;
}

function renderPipeline() {
  const items = state.steps.map((step, i) => {
    const li = document.createElement("li");
    const select = button(describeStep(step), () => selectStep(i), "step");
    if (i === state.selected) select.setAttribute("aria-current", "step");
    const up = button("↑", () => moveStep(i, -1), "icon");
    up.setAttribute("aria-label", `Move step ${i + 1} up`);
    up.disabled = i === 0;
    const remove = button("✕", () => removeStep(i), "icon");
    remove.setAttribute("aria-label", `Remove step ${i + 1}`);
    remove.disabled = state.steps.length === 1;
    li.append(select, up, remove);
    return li;
  });
  $("steps").replaceChildren(...items);
  $("undo").disabled = state.history.length === 0;
}

function renderSelected() {
  const step = state.steps[state.selected];
  const op = opOf(step.name);
  $("op-title").textContent = op.title;
  $("op-summary").textContent = op.summary;
  $("op-doc").textContent = op.doc;
  renderControls($("controls"), op.params, step.params);
  renderOpList($("op-search").value);
}

/** Record the pipeline for Undo and the URL, then redraw and recompute. */
function commit({ remember = true } = {}) {
  if (remember) {
    state.history.push(JSON.stringify({ steps: state.lastCommitted, selected: state.selected }));
    if (state.history.length > 100) state.history.shift();
  }
  state.lastCommitted = structuredClone(state.steps);
  writeImagesHash();
  renderPipeline();
  renderSelected();
  schedule();
}

const setStepOp = (/** @type {string} */ name) => {
  state.steps[state.selected] = { name, params: {} };
  commit();
};
const selectStep = (/** @type {number} */ i) => {
  state.selected = i;
  renderPipeline();
  renderSelected();
  showResult();
};
const moveStep = (/** @type {number} */ i, /** @type {number} */ by) => {
  const [step] = state.steps.splice(i, 1);
  state.steps.splice(i + by, 0, step);
  state.selected = i + by;
  commit();
};
const removeStep = (/** @type {number} */ i) => {
  state.steps.splice(i, 1);
  state.selected = Math.min(state.selected, state.steps.length - 1);
  commit();
};

function undo() {
  const previous = state.history.pop();
  if (!previous) return;
  const { steps, selected } = JSON.parse(previous);
  state.steps = steps;
  state.selected = Math.min(selected, steps.length - 1);
  commit({ remember: false });
}

// --- running -------------------------------------------------------------------------------

/**
 * Runs the pipeline; while one run is in flight, newer settings wait and the newest wins. Each
 * finished run is painted, so previews keep coming while a slider moves.
 */
const pipeline = new LatestRunner((signal) => runPipeline(signal), {
  onBusy: (busy) => ($("busy").hidden = !busy),
  onCancellable: (show) => ($("cancel").hidden = !show),
});
const schedule = () => pipeline.schedule();

/** @param {AbortSignal} signal */
async function runPipeline(signal) {
  if (!state.image || !state.steps.length) return;
  await ndlab.ready.catch(() => {}); // time the run, not Python's start (a failed start shows below)
  const started = performance.now();
  const preview = state.previewing ? previewImage() : null;
  let input = preview ?? state.image;
  let key = `image ${state.imageVersion}${preview ? " preview" : ""}`;
  try {
    for (const [i, step] of state.steps.entries()) {
      key = JSON.stringify([key, step.name, step.params]);
      if (state.cache[i]?.key !== key) {
        state.cache[i] = { key, result: await ndlab.run(step.name, step.params, input, { signal }) };
      }
      input = state.cache[i].result.image;
    }
    state.cache.length = state.steps.length;
    showMessage(null);
    showResult(performance.now() - started, Boolean(preview));
  } catch (error) {
    const e = /** @type {any} */ (error);
    // too big for Python's memory: offer the largest size that fits (half the pixels if unknown)
    showMessage(e, e.type === "MemoryError" ? [button("Downscale and run", () => downscaleAndRun(e.fit ?? Math.SQRT1_2))] : []);
  }
}

/** The histograms of the image and of the last result, in the theme's text colour. */
function drawHistograms() {
  if (state.image) drawHistogram($("hist-original"), state.image);
  const last = state.cache[state.steps.length - 1]?.result;
  if (last) drawHistogram($("hist-result"), last.image);
}
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", drawHistograms);

function showResult(roundTripMs = 0, preview = false) {
  const last = state.cache[state.steps.length - 1]?.result;
  const selected = state.cache[state.selected]?.result;
  if (!last || !state.image) return;
  compare.set(state.image, last.image);
  performance.mark("ndlab:result"); // counted by `build.py bench`
  drawHistograms();
  const op = opOf(state.steps[state.steps.length - 1].name);
  $("result-caption").textContent = preview
    ? `${op.title} · preview at ${last.image.width}×${last.image.height}, full size when you let go`
    : `${op.title} · ${last.image.width}×${last.image.height} · ${describeOutput(last.output)}`;
  $("result").setAttribute("aria-label", `Result: ${state.steps.map(describeStep).join(", then ")}`);
  $("download-png").disabled = $("download-npy").disabled = false;
  if (selected) renderInfo($("info"), selected.info, selected.name);
  const t = state.steps.map((_, i) => state.cache[i].result.timings);
  const sum = (/** @type {(x: any) => number} */ f) => t.reduce((acc, x) => acc + f(x), 0);
  const ms = (/** @type {number} */ x) => `${x.toFixed(1)} ms`;
  $("timings").textContent =
    `SciPy ${ms(sum((x) => x.compute_ms))} · conversion ${ms(sum((x) => x.convert_ms + x.copy_in_ms + x.copy_out_ms))}` +
    (roundTripMs ? ` · round trip ${ms(roundTripMs)}` : "") +
    (last.memory_mb ? ` · Python memory ${last.memory_mb.toFixed(0)} MB` : "");
  showCode();
}

async function showCode() {
  if (state.steps.length === 1) {
    $("code").textContent = state.cache[0].result.code;
    return;
  }
  try {
    $("code").textContent = await ndlab.pipelineCode(state.steps, state.image);
  } catch (error) {
    $("code").textContent = `# ${/** @type {any} */ (error).message}`;
  }
}

/** @param {string} output */
function describeOutput(output) {
  const text = { clip: "values clipped to 0–255", rescale: "rescaled from its min–max to 0–255", mask: "mask: white = true", labels: "labels in colour" };
  return text[/** @type {keyof typeof text} */ (output)] ?? output;
}

// --- images --------------------------------------------------------------------------------

/** @param {ImageData} image @param {string} caption @param {string | null} sample */
function setImage(image, caption, sample = null) {
  state.image = image;
  state.sample = sample;
  state.imageVersion++;
  $("original-caption").textContent = `${caption} · ${image.width}×${image.height}`;
  $("original").setAttribute("aria-label", `Original image: ${caption}`);
  compare.set(image, null);
  drawHistogram($("hist-original"), image);
  writeImagesHash();
  schedule();
}

/** @param {File} file */
async function openFile(file, downscale = false, variable = "") {
  try {
    if (/\.(npy|mat)$/i.test(file.name)) {
      const { image, meta } = await ndlab.readArray(file, variable);
      showVariables(file, meta);
      setImage(image, `${file.name}${meta.variable ? ` : ${meta.variable}` : ""}`);
    } else {
      showVariables(file, null);
      setImage(await readImage(file, { downscale }), file.name);
    }
    showMessage(null);
  } catch (error) {
    const e = /** @type {any} */ (error);
    showMessage(e, e instanceof ImageInputError && e.size ? [button("Downscale and open", () => openFile(file, true))] : []);
  }
}

/** The variables of a .mat file, to choose from. @param {File} file @param {any} meta */
function showVariables(file, meta) {
  const variables = meta?.variables ?? [];
  $("variable-label").hidden = variables.length < 2;
  const select = $("variable-select");
  select.replaceChildren(...variables.map((/** @type {string} */ v) => new Option(v, v, false, v === meta.variable)));
  select.onchange = () => openFile(file, false, select.value);
}

async function openSample(/** @type {string} */ name) {
  const sample = state.samples.find((s) => s.name === name);
  if (!sample) return showMessage({ message: `There is no sample called “${name}”.`, hint: "Pick one from the list." });
  $("sample-select").value = name;
  try {
    setImage(await ndlab.loadSample(name), sample.title, name);
  } catch (error) {
    showMessage(/** @type {any} */ (error));
  }
}

// --- wiring --------------------------------------------------------------------------------

function wire() {
  $("sample-select").addEventListener("change", (/** @type {any} */ e) => openSample(e.target.value));
  $("file-input").addEventListener("change", (/** @type {any} */ e) => {
    const file = e.target.files?.[0];
    if (file) openFile(file);
    e.target.value = "";
  });
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files?.[0];
    if (file) openFile(file);
  });
  document.addEventListener("paste", (e) => {
    const file = e.clipboardData?.files?.[0];
    if (file) openFile(file);
  });
  $("op-search").addEventListener("input", (/** @type {any} */ e) => renderOpList(e.target.value));
  $("params").addEventListener("submit", (/** @type {Event} */ e) => {
    e.preventDefault();
    state.cache.length = state.selected; // run the selected step and what follows again
    schedule();
  });
  let remember = 0;
  $("controls").addEventListener("change", (/** @type {any} */ e) => {
    if (e.target.type !== "range") return;
    state.previewing = false; // the slider was let go: compute at full size
    schedule();
  });
  $("controls").addEventListener("input", (/** @type {any} */ e) => {
    state.previewing = e.target.type === "range";
    const step = state.steps[state.selected];
    step.params = readControls($("controls"), opOf(step.name).params);
    renderPipeline();
    writeImagesHash();
    schedule();
    clearTimeout(remember); // one Undo entry per burst of edits
    remember = window.setTimeout(() => {
      state.history.push(JSON.stringify({ steps: state.lastCommitted, selected: state.selected }));
      state.lastCommitted = structuredClone(state.steps);
      renderPipeline();
    }, 600);
  });
  $("add-step").addEventListener("click", () => {
    state.steps.splice(state.selected + 1, 0, structuredClone(state.steps[state.selected]));
    state.selected++;
    commit();
  });
  $("undo").addEventListener("click", undo);
  $("cancel").addEventListener("click", () => pipeline.cancel());
  $("copy-link").addEventListener("click", () => navigator.clipboard?.writeText(location.href));
  $("copy-code").addEventListener("click", () => navigator.clipboard?.writeText($("code").textContent));
  $("download-png").addEventListener("click", async () => download(await canvasPng(resultCanvas()), `${fileStem()}.png`));
  $("download-npy").addEventListener("click", async () => {
    const n = state.steps.length;
    const input = n > 1 ? state.cache[n - 2]?.result.image : state.image;
    if (!input) return;
    try {
      download(new Blob([await ndlab.npy(state.steps[n - 1].name, state.steps[n - 1].params, input)]), `${fileStem()}.npy`);
    } catch (error) {
      showMessage(/** @type {any} */ (error));
    }
  });
}

/** The result at full resolution as a canvas (the view may show a split or difference). */
function resultCanvas() {
  const image = state.cache[state.steps.length - 1].result.image;
  const canvas = Object.assign(document.createElement("canvas"), { width: image.width, height: image.height });
  /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d")).putImageData(image, 0, 0);
  return canvas;
}

const labs = new LabsView(
  {
    list: $("lab-list"), title: $("lab-title"), about: $("lab-about"), doc: $("lab-doc"), form: $("lab-params"),
    controls: $("lab-controls"), outputs: $("lab-outputs"), code: $("lab-code"), timings: $("lab-timings"),
    busy: $("lab-busy"), cancel: $("lab-cancel"), progress: $("lab-progress"), data: $("lab-data"),
  },
  ndlab,
  {
    onChange: (lab, params) => writeHash(encodeLab(lab, params)),
    onMessage: (problem) => showMessageIn($("lab-message"), problem),
  },
);

/** Show the image workspace or the labs, as the URL fragment says. */
function showMode(/** @type {"images" | "labs"} */ mode) {
  $("images-view").hidden = mode !== "images";
  $("labs-view").hidden = mode !== "labs";
  for (const [id, m] of [["mode-images", "images"], ["mode-labs", "labs"]]) {
    if (m === mode) $(id).setAttribute("aria-current", "page");
    else $(id).removeAttribute("aria-current");
  }
}

/** The image workspace's state goes into the URL while it is the one shown. */
function writeImagesHash() {
  if (!$("images-view").hidden) writeHash(encode({ sample: state.sample, steps: state.steps }));
}

/** Put the view shown into the URL, after the lesson if one is open. */
const writeHash = (/** @type {string} */ view) => history.replaceState(null, "", lesson.withLesson(view));

/** Open a lesson link (a new lesson, or another step); its step's view then goes into the URL. */
const followLesson = () => history.replaceState(null, "", lesson.follow(location.hash));

/** Follow the URL fragment: a lab link opens the labs, anything else the image workspace. */
function route() {
  followLesson();
  const link = decodeLab(location.hash, labs.labs);
  if (link) {
    showMode("labs");
    if (link.error) showMessageIn($("lab-message"), { message: link.error, hint: "The lab opened with its default settings instead." });
    labs.select(link.lab ?? labs.lab?.name ?? labs.labs[0].name, link.params);
  } else {
    showMode("images");
    openImagesLink();
  }
}

/** Apply an image permalink that arrived while the page was open (pasted, or a link followed). */
function openImagesLink() {
  const link = decode(location.hash, state.ops);
  if (link.error) showMessage({ message: link.error, hint: "The pipeline was left as it was." });
  const newSample = link.sample && link.sample !== state.sample ? link.sample : null;
  if (newSample) state.sample = newSample; // so the URL written meanwhile names it
  if (link.steps && JSON.stringify(link.steps) !== JSON.stringify(state.steps)) {
    state.steps = link.steps;
    state.selected = 0;
    commit();
  }
  if (newSample) openSample(newSample);
  else writeImagesHash();
}

// --- the classroom: presenter mode, lessons, keyboard shortcuts -----------------------------

const inLabs = () => !$("labs-view").hidden;
const presenter = new Presenter($("present"));

const lesson = new LessonView(
  {
    bar: $("lesson-bar"), title: $("lesson-title"), step: $("lesson-step"), text: $("lesson-text"),
    previous: $("lesson-previous"), next: $("lesson-next"), toggle: $("lesson-toggle"), tools: $("lesson-tools"),
    add: $("lesson-add"), edit: $("lesson-edit"), remove: $("lesson-remove"), earlier: $("lesson-earlier"), later: $("lesson-later"), copy: $("lesson-copy"), save: $("lesson-save"),
    file: $("lesson-file"), close: $("lesson-close"), status: $("lesson-status"), dialog: $("lesson-dialog"),
    heading: $("lesson-dialog-title"), submit: $("lesson-dialog-submit"), lessonTitle: $("lesson-dialog-lesson"), stepTitle: $("lesson-dialog-title-input"), stepText: $("lesson-dialog-text"),
  },
  {
    catalogues: () => ({ ops: state.ops, labs: labs.labs, samples: state.samples }),
    show: (view) => {
      writeHash(view);
      route();
    },
    current: currentView,
    onMessage: (problem) => showMessageIn($("lesson-message"), problem),
  },
);

/** The view shown as a lesson step, or why it cannot be one. @returns {import("./lesson.js").LessonStep | string} */
function currentView() {
  if (inLabs()) return { title: labs.lab.title, text: "", lab: labs.lab.name, params: { ...labs.params } };
  if (!state.sample) return "A lesson shows the bundled sample images only, and this image was opened from a file. Pick a sample image, then add the view.";
  return { title: state.steps.map(describeStep).join(", then "), text: "", sample: state.sample, steps: state.steps.map((s) => [s.name, s.params]) };
}

/** Side by side, then the before/after split, then the difference (those the images allow). */
function cycleCompare() {
  if (inLabs()) return false;
  const select = $("compare-mode");
  const options = [...select.options].filter((o) => !o.disabled);
  select.value = options[(options.indexOf(select.selectedOptions[0]) + 1) % options.length].value;
  select.dispatchEvent(new Event("change"));
}

function cancelOrLeave() {
  const runner = inLabs() ? labs.runner : pipeline;
  if (runner.running) return runner.cancel();
  if (presenter.on) return presenter.set(false);
  return false;
}

/** @type {import("./shortcuts.js").Shortcut[]} */
const SHORTCUTS = [
  { keys: ["?"], description: "Show these shortcuts", action: () => showShortcuts() },
  { keys: ["p"], description: "Presenter mode on or off: large type, full screen", action: () => presenter.toggle() },
  { keys: ["f"], description: "Full screen on or off", action: () => presenter.toggleFullscreen() },
  { keys: ["c"], description: "Next comparison: side by side, before/after split, difference", action: cycleCompare },
  { keys: ["r"], description: "Run again", action: () => $(inLabs() ? "lab-params" : "params").requestSubmit() },
  { keys: ["Escape"], description: "Cancel the computation running, or else leave presenter mode", action: cancelOrLeave, whileTyping: true },
  { keys: ["ArrowRight", "PageDown"], description: "Next step of the lesson", action: lesson.next },
  { keys: ["ArrowLeft", "PageUp"], description: "Previous step of the lesson", action: lesson.previous },
  { keys: ["Ctrl+z"], description: "Undo the last change to the pipeline", action: () => !inLabs() && undo() },
];
const showShortcuts = helpDialog($("shortcuts-dialog"), $("shortcuts-table"), SHORTCUTS);
$("shortcuts").addEventListener("click", showShortcuts);
installShortcuts(SHORTCUTS);

const fileStem = () => `ndlab-${state.steps.map((s) => s.name).join("-")}`;

async function main() {
  wire();
  const [catalog, samples, labList] = await Promise.all([ndlab.catalog(), ndlab.samples(), ndlab.labs()]);
  labs.setCatalogue(labList);
  state.ops = catalog.operations;
  state.samples = samples;
  for (const s of samples) $("sample-select").add(new Option(`${s.title} (${s.width}×${s.height})`, s.name));
  $("credits").textContent = `Sample images: ${samples.filter((s) => s.kind === "photo").map((s) => `${s.title}: ${s.credit}`).join("; ")}.`;

  followLesson();
  const labLink = decodeLab(location.hash, labList);
  if (labLink) showMode("labs"); // before the sample opens, so the lab's link is kept
  const link = labLink ? { sample: null, steps: null, error: null } : decode(location.hash, state.ops);
  state.steps = link.steps ?? [{ name: state.ops[0].name, params: {} }];
  state.lastCommitted = structuredClone(state.steps);
  renderPipeline();
  renderSelected();
  performance.mark("ndlab:controls");
  if (link.error) showMessage({ message: link.error, hint: "The page opened with its default settings instead." });
  await openSample(link.sample && samples.some((s) => s.name === link.sample) ? link.sample : samples[0].name);
  if (link.sample && !samples.some((s) => s.name === link.sample)) {
    showMessage({ message: `The link names an unknown sample “${link.sample}”.`, hint: "The first sample is shown instead." });
  }
  if (labLink) route(); // the image link was applied above
  else writeImagesHash();
  window.addEventListener("hashchange", route);
  if (!(await waitForPython())) return;
  // Precache for offline use only now, so it does not compete with Python's own download.
  registerOffline((reload) => {
    $("update").hidden = false;
    $("update-reload").onclick = reload;
  }).catch((error) => console.warn("ndlab: offline support is not available:", error));
}

main();
