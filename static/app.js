// @ts-check
// The page: wires the catalogue, the image inputs, the controls and the viewer together.
import { createApi } from "./api.js";
import { readControls, renderControls } from "./controls.js";
import { ImageInputError, readImage } from "./images.js";
import { show } from "./viewer.js";

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

const state = {
  /** @type {any[]} */ ops: [],
  /** @type {any} */ op: null,
  /** @type {ImageData | null} */ image: null,
  /** Each run gets a number; only the newest result is shown. */
  latest: 0,
};

const ndlab = createApi(showProgress);
Object.assign(window, { ndlab });

function showProgress({ stage, loaded, total }) {
  $("runtime-progress").value = total ? Math.min(loaded / total, 1) : 0;
  const mb = (/** @type {number} */ n) => (n / 1e6).toFixed(1);
  $("runtime-text").textContent = total > 1 ? `${stage}: ${mb(loaded)} of ${mb(total)} MB` : `${stage}…`;
}

/** @param {{message: string, hint?: string, type?: string} | null} error */
function showMessage(error, { kind = "error", actions = [] } = {}) {
  const box = $("message");
  box.hidden = !error;
  if (!error) return;
  box.className = `message ${kind}`;
  const title = Object.assign(document.createElement("strong"), { textContent: error.message });
  const hint = Object.assign(document.createElement("span"), { textContent: error.hint ? ` ${error.hint}` : "" });
  box.replaceChildren(title, hint, ...actions);
}

/** @param {string} label @param {() => void} onClick */
function actionButton(label, onClick) {
  const button = Object.assign(document.createElement("button"), { type: "button", textContent: label, className: "small" });
  button.addEventListener("click", onClick);
  return button;
}

function renderOpList(filter = "") {
  const list = $("op-list");
  list.replaceChildren();
  const needle = filter.trim().toLowerCase();
  const byCategory = Map.groupBy(
    state.ops.filter((op) => !needle || `${op.name} ${op.title} ${op.summary} ${op.category}`.toLowerCase().includes(needle)),
    (op) => op.category,
  );
  for (const [category, ops] of byCategory) {
    const group = document.createElement("section");
    group.append(Object.assign(document.createElement("h3"), { textContent: category }));
    for (const op of ops) {
      const button = Object.assign(document.createElement("button"), { type: "button", textContent: op.title, title: op.summary });
      button.dataset.op = op.name;
      button.setAttribute("aria-pressed", String(op === state.op));
      button.addEventListener("click", () => selectOp(op.name));
      group.append(button);
    }
    list.append(group);
  }
}

/** @param {string} name */
function selectOp(name) {
  state.op = state.ops.find((op) => op.name === name);
  $("op-title").textContent = state.op.title;
  $("op-summary").textContent = state.op.summary;
  $("op-doc").textContent = state.op.doc;
  renderControls($("controls"), state.op.params);
  renderOpList($("op-search").value);
  runCurrent();
}

/** @param {ImageData} image @param {string} caption */
function setImage(image, caption) {
  state.image = image;
  show($("original"), image);
  $("original-caption").textContent = `${caption} · ${image.width}×${image.height}`;
  runCurrent();
}

async function runCurrent() {
  if (!state.op || !state.image) return;
  const ticket = ++state.latest;
  const params = readControls($("controls"), state.op.params);
  $("busy").hidden = false;
  const started = performance.now();
  try {
    const result = await ndlab.run(state.op.name, params, state.image);
    if (ticket !== state.latest) return; // a newer request superseded this one
    show($("result"), result.image);
    $("result-caption").textContent = `${state.op.title} · ${result.image.width}×${result.image.height} · ${describeOutput(result.output)}`;
    $("code").textContent = result.code;
    $("timings").textContent = describeTimings(result.timings, performance.now() - started);
    showMessage(null);
  } catch (error) {
    if (ticket !== state.latest) return;
    showMessage(/** @type {any} */ (error));
  } finally {
    if (ticket === state.latest) $("busy").hidden = true;
  }
}

/** @param {string} output */
function describeOutput(output) {
  return { clip: "values clipped to 0–255", rescale: "rescaled from its min–max to 0–255", mask: "mask: white = true" }[output] ?? output;
}

/** @param {any} t @param {number} totalMs */
function describeTimings(t, totalMs) {
  const ms = (/** @type {number} */ x) => `${x.toFixed(1)} ms`;
  return `SciPy ${ms(t.compute_ms)} · conversion ${ms(t.convert_ms + t.copy_in_ms + t.copy_out_ms)} · round trip ${ms(totalMs)}`;
}

/** @param {Blob} blob @param {string} caption */
async function openBlob(blob, caption, downscale = false) {
  try {
    setImage(await readImage(blob, { downscale }), caption);
    showMessage(null);
  } catch (error) {
    const e = /** @type {any} */ (error);
    const actions = e instanceof ImageInputError && e.size ? [actionButton("Downscale and open", () => openBlob(blob, caption, true))] : [];
    showMessage(e, { actions });
  }
}

async function openSample(name) {
  try {
    const sample = (await ndlab.samples()).find((/** @type {any} */ s) => s.name === name);
    setImage(await ndlab.loadSample(name), sample.title);
  } catch (error) {
    showMessage(/** @type {any} */ (error));
  }
}

function wireInputs() {
  $("sample-select").addEventListener("change", (/** @type {any} */ e) => openSample(e.target.value));
  $("file-input").addEventListener("change", (/** @type {any} */ e) => {
    const file = e.target.files?.[0];
    if (file) openBlob(file, file.name);
    e.target.value = "";
  });
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files?.[0];
    if (file) openBlob(file, file.name);
  });
  document.addEventListener("paste", (e) => {
    const file = [...(e.clipboardData?.files ?? [])][0];
    if (file) openBlob(file, "Pasted image");
  });
  $("op-search").addEventListener("input", (/** @type {any} */ e) => renderOpList(e.target.value));
  $("params").addEventListener("submit", (/** @type {Event} */ e) => {
    e.preventDefault();
    runCurrent();
  });
  let timer = 0;
  $("controls").addEventListener("input", () => {
    clearTimeout(timer);
    timer = window.setTimeout(runCurrent, 120);
  });
  $("copy-code").addEventListener("click", () => navigator.clipboard?.writeText($("code").textContent));
}

async function main() {
  wireInputs();
  const [catalog, samples] = await Promise.all([ndlab.catalog(), ndlab.samples()]);
  state.ops = catalog.operations;
  for (const s of samples) $("sample-select").add(new Option(`${s.title} (${s.width}×${s.height})`, s.name));
  $("credits").textContent = `Sample images: ${samples.filter((/** @type {any} */ s) => s.kind === "photo").map((/** @type {any} */ s) => `${s.title}: ${s.credit}`).join("; ")}.`;
  selectOp(state.ops[0].name);
  await openSample(samples[0].name);
  try {
    const { timings } = await ndlab.ready;
    $("runtime-progress").value = 1;
    $("runtime-text").textContent = `Python ready in ${(timings.startup_ms / 1000).toFixed(1)} s`;
    document.body.dataset.ready = "true";
  } catch (error) {
    $("runtime-text").textContent = "Python failed to start";
    showMessage(/** @type {any} */ (error));
  }
}

main();
