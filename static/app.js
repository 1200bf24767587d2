// @ts-check
// The page's shell: the views it is made of (the image workspace, its batch and comparison, the
// labs, the code editors, the lesson), each built on its part of index.html, and what joins
// them: routing by the URL, the header, presenter mode and keyboard shortcuts.
import { createApi } from "./api.js";
import { Batch } from "./batch.js";
import { Compare } from "./compare.js";
import { CodeEditor } from "./editor.js";
import { showMode, wireTeach } from "./header.js";
import { ImageView } from "./image-view.js";
import { LabsView } from "./labs.js";
import { LessonView } from "./lesson.js";
import { precache, registerOffline } from "./offline.js";
import { openFiles } from "./open-files.js";
import { pageShortcuts } from "./page-shortcuts.js";
import { MAX_LAB_DATA, decode, decodeLab, encode, encodeLab } from "./permalink.js";
import { Presenter } from "./presenter.js";
import { HINTS } from "./protocol.js";
import { RuntimeStatus } from "./runtime-status.js";
import { helpDialog, installShortcuts } from "./shortcuts.js";
import { copyText, reveal, showMessage as showMessageIn } from "./views/common.js";

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

/** @param {import("./views/common.js").Problem} problem @param {HTMLElement[]} actions */
const showMessage = (problem, actions = []) => showMessageIn($("message"), problem, actions);

const status = new RuntimeStatus(
  $("runtime-progress"),
  $("runtime-text"),
  () => ndlab.ready,
  showMessage,
);
// On a first visit the service worker takes the page before Python's downloads start, to keep them
// (start-guard.js: the page's scripts are running meanwhile, not failed).
document.documentElement.dataset.scripts = "running";
await registerOffline((reload) => {
  $("update").hidden = false;
  $("update-reload").onclick = reload;
});
const ndlab = createApi((progress) => status.progress(progress));
Object.assign(window, { ndlab });

const compare = new Compare($("images-view"));
const images = new ImageView($("images-view"), ndlab, {
  compare,
  onChange: () => writeImagesHash(),
  onMessage: showMessage,
});
const batch = new Batch($("batch"), ndlab, () => images.steps);
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
$("copy-link").addEventListener("click", () =>
  copyText($("copy-link"), location.href, "the link to this view"),
);
$("edit-code").addEventListener("click", () => editor.open($("code").textContent));

/** @param {import("./views/common.js").Problem} problem */
const showLabMessage = (problem) => showMessageIn($("lab-message"), problem);
const labs = new LabsView($("labs-view"), ndlab, {
  onChange: (lab, params, data) => writeHash(encodeLab(lab, params, data)),
  onMessage: showLabMessage,
});
const labEditor = new CodeEditor($("lab-editor"), ndlab, {
  about:
    "Runs in this page's Python, in the folder of the chapter's data files, with data bound to the table you gave the lab " +
    "(None if you gave none). What it prints, and figures drawn with matplotlib, show below.",
  data: () => labs.data,
  onMessage: showLabMessage,
});
$("lab-edit-code").addEventListener("click", () => labEditor.open($("lab-code").textContent));
$("lab-copy-link").addEventListener("click", () =>
  copyText($("lab-copy-link"), location.href, "the link to this lab"),
);

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

const lesson = new LessonView($("lesson"), $("lesson-dialog"), $("lesson-toggle"), {
  catalogues: () => ({ ops: images.ops, labs: labs.labs, samples }),
  show: (view) => {
    writeHash(view);
    route();
  },
  current: currentView,
  onMessage: (problem) => showMessageIn($("lesson-message"), problem),
});

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

wireTeach();
const SHORTCUTS = pageShortcuts({
  ...{ images, labs, compare, batch, presenter, lesson, inLabs },
  help: () => showShortcuts(),
});
const showShortcuts = helpDialog($("shortcuts-dialog"), $("shortcuts-table"), SHORTCUTS);
$("shortcuts").addEventListener("click", showShortcuts);
installShortcuts(SHORTCUTS);

/** Resolves when the first result of an operation or a lab has been painted. */
function firstResultShown() {
  return new Promise((resolve) => {
    new PerformanceObserver((list, observer) => {
      const names = list.getEntries().map((mark) => mark.name);
      if (names.includes("ndlab:result") || names.includes("ndlab:lab-result")) {
        observer.disconnect();
        resolve(undefined);
      }
    }).observe({ type: "mark", buffered: true });
  });
}

/** @type {any[]} the bundled sample images */
let samples = [];

async function main() {
  openFiles($("file-input"), images, batch);
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
  const known = samples.some((s) => s.name === link.sample);
  await images.openSample(known ? link.sample : samples[0].name);
  if (link.sample && !known) {
    showMessage({
      message: `The link names an unknown sample “${link.sample}”.`,
      hint: "The first sample is shown instead.",
    });
  }
  if (labLink)
    route(); // the image link was applied above
  else writeImagesHash();
  window.addEventListener("hashchange", route);
  if (!(await status.wait())) return;
  // The rest of the site is cached once the first result is on the screen and Python has the files
  // it fetches after it, so that it competes neither with Python's own downloads nor with the
  // first run, and a page said to work offline has all it needs.
  await firstResultShown();
  await ndlab.settled;
  precache();
}

main().catch((/** @type {any} */ error) =>
  status.fail({
    message: `The page could not start: ${error?.message ?? error}.`,
    hint: HINTS.stalled,
  }),
);
