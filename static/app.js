// @ts-check
// The page's shell: Python's start, the image workspace and the labs (each one view), routing
// by the URL, lessons, presenter mode and keyboard shortcuts.
import { createApi } from "./api.js";
import { Batch, droppedFiles } from "./batch.js";
import { Compare } from "./compare.js";
import { CodeEditor } from "./editor.js";
import { ImageView } from "./image-view.js";
import { LabsView } from "./labs.js";
import { LessonView } from "./lesson.js";
import { precache, registerOffline } from "./offline.js";
import { MAX_LAB_DATA, decode, decodeLab, encode, encodeLab } from "./permalink.js";
import { Presenter } from "./presenter.js";
import { helpDialog, installShortcuts } from "./shortcuts.js";
import { copyText, reveal, showMessage as showMessageIn } from "./views/common.js";

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

// On a first visit the service worker takes the page before Python's downloads start, to keep them.
await registerOffline((reload) => {
  $("update").hidden = false;
  $("update-reload").onclick = reload;
});
const ndlab = createApi(showProgress);
Object.assign(window, { ndlab });
const compare = new Compare({
  original: $("original"),
  result: $("result"),
  mode: $("compare-mode"),
  split: $("split"),
  zoom: $("zoom"),
  inspector: $("inspector"),
  views: $("views"),
});

function showProgress({ stage, loaded, total }) {
  $("runtime-progress").value = total ? Math.min(loaded / total, 1) : 0;
  // a share, not megabytes: the worker counts the files' unpacked bytes, and most arrive packed
  $("runtime-text").textContent =
    total > 1 ? `${stage}: ${Math.floor(Math.min(loaded / total, 1) * 100)} %` : `${stage}…`;
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

/** Resolves when the first result of an operation or a lab has been painted. */
function firstResultShown() {
  return new Promise((resolve) => {
    new PerformanceObserver((list, observer) => {
      if (
        list
          .getEntries()
          .some((mark) => mark.name === "ndlab:result" || mark.name === "ndlab:lab-result")
      ) {
        observer.disconnect();
        resolve(undefined);
      }
    }).observe({ type: "mark", buffered: true });
  });
}

/** @param {import("./views/common.js").Problem} problem @param {HTMLElement[]} actions */
const showMessage = (problem, actions = []) => showMessageIn($("message"), problem, actions);

const images = new ImageView(
  {
    controls: $("controls"),
    params: $("params"),
    busy: $("busy"),
    cancel: $("cancel"),
    original: $("original"),
    result: $("result"),
    originalCaption: $("original-caption"),
    resultCaption: $("result-caption"),
    code: $("code"),
    timings: $("timings"),
    title: $("op-title"),
    summary: $("op-summary"),
    doc: $("op-doc"),
    opList: $("op-list"),
    opSearch: $("op-search"),
    steps: $("steps"),
    undo: $("undo"),
    addStep: $("add-step"),
    opHint: $("op-hint"),
    views: $("views"),
    histOriginal: $("hist-original"),
    histResult: $("hist-result"),
    info: $("info"),
    downloadPng: $("download-png"),
    downloadNpy: $("download-npy"),
    daskExport: $("dask-export"),
    daskNotes: $("dask-notes"),
    variableLabel: $("variable-label"),
    variableSelect: $("variable-select"),
    sampleSelect: $("sample-select"),
  },
  ndlab,
  { compare, onChange: () => writeImagesHash(), onMessage: showMessage },
);
const batch = new Batch(
  {
    box: $("batch"),
    files: $("batch-files"),
    folder: $("batch-folder"),
    output: $("batch-output"),
    cancel: $("batch-cancel"),
    download: $("batch-download"),
    progress: $("batch-progress"),
    status: $("batch-status"),
    list: $("batch-list"),
  },
  ndlab,
  () => images.steps,
);
const editor = new CodeEditor($("editor"), ndlab, {
  about:
    "Runs in this page's Python with image bound to the image shown (and the chapter's data files in its folder). " +
    "The array you leave in result, or your last expression, is shown above; figures drawn with matplotlib below.",
  input: () => images.input,
  onResult: (result) => {
    images.showCode(result);
    if (!editor.printed) reveal($("views"), null); // the array it left is what it produced
  },
  onChange: () => writeImagesHash(),
  onMessage: showMessage,
});
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () =>
  images.drawHistograms(),
);

/** Open dropped, pasted or chosen files. */
function wireFiles() {
  $("file-input").addEventListener("change", (/** @type {any} */ e) => {
    const file = e.target.files?.[0];
    if (file) images.openFile(file);
    e.target.value = "";
  });
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", async (e) => {
    e.preventDefault();
    if (!e.dataTransfer) return;
    const { files, many } = await droppedFiles(e.dataTransfer);
    if (many) batch.run(files);
    else if (files.length) images.openFile(files[0].file);
  });
  document.addEventListener("paste", (e) => {
    const file = e.clipboardData?.files?.[0];
    if (file) images.openFile(file);
  });
  $("copy-link").addEventListener("click", () =>
    copyText($("copy-link"), location.href, "the link to this view"),
  );
  $("copy-code").addEventListener("click", () =>
    copyText($("copy-code"), $("code").textContent, "the code"),
  );
  $("edit-code").addEventListener("click", () => editor.open($("code").textContent));
}

const labs = new LabsView(
  {
    list: $("lab-list"),
    title: $("lab-title"),
    about: $("lab-about"),
    doc: $("lab-doc"),
    form: $("lab-params"),
    controls: $("lab-controls"),
    outputs: $("lab-outputs"),
    code: $("lab-code"),
    downloadCode: $("lab-download-code"),
    timings: $("lab-timings"),
    busy: $("lab-busy"),
    cancel: $("lab-cancel"),
    progress: $("lab-progress"),
    data: $("lab-data"),
    copyCode: $("lab-copy-code"),
  },
  ndlab,
  {
    onChange: (lab, params, data) => writeHash(encodeLab(lab, params, data)),
    onMessage: (problem) => showMessageIn($("lab-message"), problem),
  },
);
const labEditor = new CodeEditor($("lab-editor"), ndlab, {
  about:
    "Runs in this page's Python, in the folder of the chapter's data files, with data bound to the table you gave the lab " +
    "(None if you gave none). What it prints, and figures drawn with matplotlib, show below.",
  data: () => labs.data,
  onMessage: (problem) => showMessageIn($("lab-message"), problem),
});
$("lab-edit-code").addEventListener("click", () => labEditor.open($("lab-code").textContent));
$("lab-copy-link").addEventListener("click", () =>
  copyText($("lab-copy-link"), location.href, "the link to this lab"),
);

/** Show the image workspace or the labs, as the URL fragment says. */
function showMode(/** @type {"images" | "labs"} */ mode) {
  $("images-view").hidden = mode !== "images";
  $("labs-view").hidden = mode !== "labs";
  for (const [id, m] of [
    ["mode-images", "images"],
    ["mode-labs", "labs"],
  ]) {
    if (m === mode) $(id).setAttribute("aria-current", "page");
    else $(id).removeAttribute("aria-current");
  }
}

/** The image workspace's state goes into the URL while it is the one shown. */
function writeImagesHash() {
  if (!$("images-view").hidden)
    writeHash(encode({ sample: images.sample, steps: images.steps, code: editor.code }));
}

/** Put the view shown into the URL, after the lesson if one is open. */
const writeHash = (/** @type {string} */ view) =>
  history.replaceState(null, "", lesson.withLesson(view));

/** Open a lesson link (a new lesson, or another step); its step's view then goes into the URL. */
const followLesson = () => history.replaceState(null, "", lesson.follow(location.hash));

/** Follow the URL fragment: a lab link opens the labs, anything else the image workspace. */
function route() {
  followLesson();
  const link = decodeLab(location.hash, labs.labs);
  if (link) {
    showMode("labs");
    if (link.error)
      labs.warn({ message: link.error, hint: "The lab opened with its default settings instead." });
    else if (link.dataError)
      labs.warn({ message: link.dataError, hint: "The lab runs on its own data instead." });
    labs.select(link.lab ?? labs.lab?.name ?? labs.labs[0].name, link.params, link.data);
  } else {
    showMode("images");
    openImagesLink();
  }
}

/** Apply an image permalink that arrived while the page was open (pasted, or a link followed). */
function openImagesLink() {
  const link = decode(location.hash, images.ops);
  if (link.error) showMessage({ message: link.error, hint: "The pipeline was left as it was." });
  const newSample = link.sample && link.sample !== images.sample ? link.sample : null;
  if (newSample) images.sample = newSample; // so the URL written meanwhile names it
  if (link.steps && JSON.stringify(link.steps) !== JSON.stringify(images.steps))
    images.setSteps(link.steps);
  if (link.code !== null && link.code !== editor.code)
    editor.open(link.code, lesson.lesson ? "the lesson" : "the link");
  else if (link.code === null && lesson.lesson && editor.code !== null) editor.close(); // a lesson step shows its own view
  if (newSample) images.openSample(newSample);
  else writeImagesHash();
}

// --- the classroom: presenter mode, lessons, keyboard shortcuts -----------------------------

const inLabs = () => !$("labs-view").hidden;
const presenter = new Presenter($("present"));

const lesson = new LessonView(
  {
    bar: $("lesson-bar"),
    title: $("lesson-title"),
    step: $("lesson-step"),
    text: $("lesson-text"),
    previous: $("lesson-previous"),
    next: $("lesson-next"),
    toggle: $("lesson-toggle"),
    tools: $("lesson-tools"),
    add: $("lesson-add"),
    edit: $("lesson-edit"),
    remove: $("lesson-remove"),
    earlier: $("lesson-earlier"),
    later: $("lesson-later"),
    copy: $("lesson-copy"),
    save: $("lesson-save"),
    file: $("lesson-file"),
    close: $("lesson-close"),
    status: $("lesson-status"),
    dialog: $("lesson-dialog"),
    heading: $("lesson-dialog-title"),
    submit: $("lesson-dialog-submit"),
    lessonTitle: $("lesson-dialog-lesson"),
    stepTitle: $("lesson-dialog-title-input"),
    stepText: $("lesson-dialog-text"),
  },
  {
    catalogues: () => ({ ops: images.ops, labs: labs.labs, samples }),
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
  if (inLabs()) {
    const { data } = labs;
    if (data !== null && data.length > MAX_LAB_DATA) {
      return `This lab's table is too large for a lesson: ${data.length} characters of text, at most ${MAX_LAB_DATA}. Use a smaller table, or go back to the lab's own data, then add the view.`;
    }
    return {
      title: labs.lab.title,
      text: "",
      lab: labs.lab.name,
      params: { ...labs.params },
      ...(data === null ? {} : { data }),
    };
  }
  if (!images.sample)
    return "A lesson shows the bundled sample images only, and this image was opened from a file. Pick a sample image, then add the view.";
  const code = editor.code === null ? {} : { code: editor.code };
  return {
    title: images.describe(),
    text: "",
    sample: images.sample,
    steps: images.steps.map((s) => [s.name, s.params]),
    ...code,
  };
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
  const runner = inLabs() ? labs.runner : images.runner;
  if (runner.running) return runner.cancel();
  if (!inLabs() && batch.running) return batch.cancel();
  if (presenter.on) return presenter.set(false);
  return false;
}

/** @type {import("./shortcuts.js").Shortcut[]} */
const SHORTCUTS = [
  { keys: ["?"], description: "Show these shortcuts", action: () => showShortcuts() },
  {
    keys: ["p"],
    description: "Presenter mode on or off: large type, full screen",
    action: () => presenter.toggle(),
  },
  { keys: ["f"], description: "Full screen on or off", action: () => presenter.toggleFullscreen() },
  {
    keys: ["c"],
    description: "Next comparison: side by side, before/after split, difference",
    action: cycleCompare,
  },
  {
    keys: ["r"],
    description: "Run again",
    action: () => $(inLabs() ? "lab-params" : "params").requestSubmit(),
  },
  {
    keys: ["Escape"],
    description: "Cancel the computation (or the batch) running, or else leave presenter mode",
    action: cancelOrLeave,
    whileTyping: true,
  },
  { keys: ["ArrowRight", "PageDown"], description: "Next step of the lesson", action: lesson.next },
  {
    keys: ["ArrowLeft", "PageUp"],
    description: "Previous step of the lesson",
    action: lesson.previous,
  },
  {
    keys: ["Ctrl+z"],
    description: "Undo the last change to the pipeline",
    action: () => !inLabs() && images.undo(),
  },
];
// How to take the page offline and into a room; its QR code opens the view shown (classroom.svg,
// served with --lan, encodes the address students type with this view's fragment).
$("teach").addEventListener("click", () => {
  $("teach-qr").href = `classroom.svg?view=${encodeURIComponent(location.hash.slice(1))}`;
  $("teach-dialog").showModal();
});
const showShortcuts = helpDialog($("shortcuts-dialog"), $("shortcuts-table"), SHORTCUTS);
$("shortcuts").addEventListener("click", showShortcuts);
installShortcuts(SHORTCUTS);

/** @type {any[]} the bundled sample images */
let samples = [];

async function main() {
  wireFiles();
  const [catalog, sampleList, labList] = await Promise.all([
    ndlab.catalog(),
    ndlab.samples(),
    ndlab.labs(),
  ]);
  labs.setCatalogue(labList);
  images.setCatalogue(catalog.operations);
  samples = sampleList;
  for (const s of samples)
    $("sample-select").add(new Option(`${s.title} (${s.width}×${s.height})`, s.name));
  $("credits").textContent = `Sample images: ${samples
    .filter((s) => s.kind === "photo")
    .map((s) => `${s.title}: ${s.credit}`)
    .join("; ")}.`;

  followLesson();
  const labLink = decodeLab(location.hash, labList);
  if (labLink) showMode("labs"); // before the sample opens, so the lab's link is kept
  const link = labLink
    ? { sample: null, steps: null, code: null, error: null }
    : decode(location.hash, images.ops);
  images.start(link.steps ?? [{ name: images.ops[0].name, params: {} }]);
  performance.mark("ndlab:controls");
  if (link.error)
    showMessage({
      message: link.error,
      hint: "The page opened with its default settings instead.",
    });
  if (link.code !== null) editor.open(link.code, lesson.lesson ? "the lesson" : "the link");
  await images.openSample(
    link.sample && samples.some((s) => s.name === link.sample) ? link.sample : samples[0].name,
  );
  if (link.sample && !samples.some((s) => s.name === link.sample)) {
    showMessage({
      message: `The link names an unknown sample “${link.sample}”.`,
      hint: "The first sample is shown instead.",
    });
  }
  if (labLink)
    route(); // the image link was applied above
  else writeImagesHash();
  window.addEventListener("hashchange", route);
  if (!(await waitForPython())) return;
  // The rest of the site is cached once the first result is on the screen, so that it competes
  // neither with Python's own download nor with the first run.
  await firstResultShown();
  precache();
}

main();
