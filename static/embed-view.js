// @ts-check
// The embed view (embed.html): one operation or lab, compact, in an iframe on a host page.
// Python runs in the shared worker, so every demo on a host page uses one runtime. The view tells
// its parent its height and state, and answers requests (get, set, run, status) sent with
// postMessage from the origins its URL allows (`origins=`); other messages are ignored. The
// messages are declared in embed-protocol.js.
import { createApi } from "./api.js";
import { TAG, requestError } from "./embed-protocol.js";
import { ImageView } from "./image-view.js";
import { LabsView } from "./labs.js";
import { checkParams, decodeEmbed, encode, encodeLab } from "./permalink.js";
import { progressText } from "./runtime-status.js";
import { showMessage as showMessageIn } from "./views/common.js";
import { parts } from "./views/parts.js";

/** The demo's root: its view's parts, and the embed's own. */
const root = /** @type {HTMLElement} */ (document.querySelector("main[data-view]"));
const el = parts(root, "status openFull message params images outputs code");

const ndlab = createApi(showProgress, { shared: true });
Object.assign(window, { ndlab });

const state = {
  /** @type {"op" | "lab"} */ kind: "op",
  /** @type {any} the operation's or lab's spec */ spec: null,
  /** @type {string | null} */ sample: null,
  /** @type {Record<string, any>} the parameters set so far (the rest take their defaults); of a pipeline's last step */
  params: {},
  /** @type {import("./permalink.js").Step[]} the steps before the last, for a pipeline */
  before: [],
  /** @type {string[]} origins allowed to send requests */ origins: [],
  /** @type {any} what the last result was, as `get` answers it */ summary: null,
  /** @type {{params: Record<string, any>, resolve: Function, reject: Function}[]} */ waiters: [],
  /** The demo cannot run at all (a wrong name or sample, Python failed): no Run, no progress. */
  broken: false,
};

/** @param {import("./runtime-status.js").Progress} p */
function showProgress(p) {
  if (!state.broken) el.status.textContent = progressText(p);
}

/** @param {import("./views/common.js").Problem} problem */
const showMessage = (problem) => showMessageIn(el.message, problem);

/** @param {import("./embed-protocol.js").DemoNotice} notice @param {string} origin */
const post = (notice, origin) => window.parent.postMessage(notice, origin);

/** Tell the host page: the allowed origins, or (height and state only) any. @param {import("./embed-protocol.js").DemoNotice} notice */
function tellParent(notice) {
  if (window.parent === window) return;
  for (const origin of state.origins.length ? state.origins : ["*"]) post(notice, origin);
}

/** @param {import("./embed-protocol.js").DemoState} name @param {string} message */
function setState(name, message = "") {
  document.body.dataset.state = name;
  tellParent({ ndlab: TAG, type: "state", state: name, message });
}

/** A finished run: remember it and answer the requests waiting for these parameters. @param {any} summary */
function finished(summary) {
  state.summary = summary;
  setState("ready");
  showMessage(null);
  const matches = (/** @type {Record<string, any>} */ wanted) =>
    Object.entries(wanted).every(([k, v]) => summary.params[k] === v);
  state.waiters = state.waiters.filter((w) => !(matches(w.params) && (w.resolve(summary), true)));
}

/**
 * @param {any} error
 * @param {boolean} broken the demo cannot run at all: its controls and Run go away with the
 *   progress and its code (none will run), and the message stays (else a run was refused: the
 *   controls stay to try again)
 */
function failed(error, broken = false) {
  showMessage(error);
  setState("error", error.message);
  if (broken) {
    state.broken = true;
    el.params.hidden = true;
    el.images.hidden = el.outputs.hidden = true;
    /** @type {HTMLElement} */ (el.code.closest("details")).hidden = true;
  }
  for (const w of state.waiters.splice(0)) w.reject(error);
}

/** The full page in the same state. */
function fullPageLink() {
  const { kind, spec, sample, params } = state;
  const hash =
    kind === "lab"
      ? encodeLab(spec.name, params)
      : encode({ sample, steps: [...state.before, { name: spec.name, params }] });
  el.openFull.href = `index.html${hash}`;
}

// --- an operation on a sample image --------------------------------------------------------

/** @type {ImageView | null} */
let imageView = null;

/** A finished run, summed up for the host page. @param {any} result */
function ranOp(result) {
  const view = /** @type {ImageView} */ (imageView);
  const { result: canvas, originalCaption, resultCaption, timings } = view.el;
  canvas.setAttribute("aria-label", `Result: ${view.describe()} of ${originalCaption.textContent}`);
  resultCaption.textContent = view.describe();
  timings.textContent = `SciPy ${result.timings.compute_ms.toFixed(1)} ms`;
  el.status.textContent = "";
  const { width, height } = result.image;
  finished({
    kind: "op",
    name: result.name,
    params: result.params,
    sample: state.sample,
    width,
    height,
    output: result.output,
    mean: meanGrey(result.image),
    timings: result.timings,
  });
}

/** The mean of R, G and B over the image: a number a host can check. @param {ImageData} image */
function meanGrey({ data }) {
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += data[i] + data[i + 1] + data[i + 2];
  return sum / (data.length / 4) / 3;
}

async function startOp() {
  el.images.hidden = false;
  const view = (imageView = new ImageView(root, ndlab, {
    onChange: () => {
      state.params = view.steps[view.steps.length - 1].params;
      fullPageLink();
    },
    onMessage: (problem) => problem && failed(problem),
    onResult: ranOp,
  }));
  view.setCatalogue((await ndlab.catalog()).operations);
  view.start([...state.before, { name: state.spec.name, params: state.params }]);
  view.selectStep(state.before.length);
  const samples = await ndlab.samples();
  const sample = state.sample
    ? samples.find((/** @type {any} */ s) => s.name === state.sample)
    : (samples.find((/** @type {any} */ s) => s.name === "camera") ?? samples[0]);
  if (!sample) {
    const names = samples.map((/** @type {any} */ s) => s.name).join(", ");
    return failed(
      {
        message: `The demo names an unknown sample “${state.sample}”.`,
        hint: `Set data-sample to one of ${names}.`,
      },
      true,
    );
  }
  state.sample = sample.name;
  // the two images' boxes take the sample's shape before either is drawn (a result of another
  // shape is fitted into its box): the demo's height is final before Python answers
  el.images.style.setProperty("--shape", `${sample.width} / ${sample.height}`);
  await view.openSample(sample.name);
  view.el.originalCaption.textContent = sample.title;
}

// --- a lab -----------------------------------------------------------------------------------

/** @type {LabsView | null} */
let labView = null;

async function startLab() {
  el.outputs.hidden = false;
  labView = new LabsView(
    root,
    ndlab,
    {
      onChange: (_, params) => {
        state.params = params;
        fullPageLink();
      },
      onMessage: (problem) => problem && failed(problem),
      onResult: (result) => {
        el.status.textContent = "";
        finished({
          kind: "lab",
          name: result.name,
          params: result.params,
          values: result.outputs.values ?? {},
          text: result.outputs.text ?? [],
          timings: result.timings,
        });
      },
    },
    { holdRoom: true }, // the lab's outputs hold their room before its first result
  );
  labView.setCatalogue(await ndlab.labs());
  labView.select(state.spec.name, state.params);
}

// --- requests from the host page -------------------------------------------------------------

/** Apply parameters and resolve with the result computed with them. @param {Record<string, any>} params */
function setParams(params) {
  const error = checkParams(state.spec, params, `The demo ${state.spec.name}`);
  if (error) return Promise.reject(new Error(error));
  const done = new Promise((resolve, reject) => state.waiters.push({ params, resolve, reject }));
  if (labView) labView.setParams(params);
  else
    imageView?.setSteps(
      [...state.before, { name: state.spec.name, params: { ...state.params, ...params } }],
      state.before.length,
    );
  return done;
}

/** @param {import("./embed-protocol.js").HostRequest} request a message checked by requestError */
async function answer(request) {
  if (request.type === "status")
    return { runtime: await ndlab.runtime(), state: document.body.dataset.state };
  if (request.type === "set") return setParams(request.params);
  if (request.type === "run") return setParams({}); // no new values: runs again
  if (!state.summary) throw new Error("There is no result yet; wait for the state “ready”.");
  return state.summary;
}

window.addEventListener("message", async (event) => {
  const m = event.data;
  if (event.source !== window.parent || typeof m !== "object" || m === null || m.ndlab !== TAG)
    return;
  await decoded; // the allowed origins come from the URL
  if (!state.origins.includes(event.origin)) {
    console.warn(
      `ndlab embed: ignored a request from ${event.origin}, which is not in this demo's origins.`,
    );
    return;
  }
  const reply = (/** @type {{ok: true, value: any} | {ok: false, error: string}} */ body) =>
    post({ ndlab: TAG, type: "reply", id: m.id, ...body }, event.origin);
  const invalid = requestError(m);
  if (invalid) return reply({ ok: false, error: invalid });
  try {
    reply({ ok: true, value: await answer(m) });
  } catch (error) {
    reply({ ok: false, error: String(/** @type {any} */ (error).message ?? error) });
  }
});

// --- start -----------------------------------------------------------------------------------

/** Tell the parent the view's height whenever it changes, so the iframe fits its content. */
function reportHeight() {
  let last = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) tellParent({ ndlab: TAG, type: "height", height: (last = height) });
  }).observe(document.documentElement);
}

// Light or dark as the host page chose (`theme=`, from data-theme), else as the system asks.
const theme = new URLSearchParams(location.hash.slice(1)).get("theme");
if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;

/** Read the URL into `state`. */
async function decode() {
  const [catalog, labs] = await Promise.all([ndlab.catalog(), ndlab.labs()]);
  const link = decodeEmbed(location.hash, catalog.operations, labs);
  Object.assign(state, {
    kind: link.kind,
    spec: link.spec,
    sample: link.sample,
    params: link.params,
    origins: link.origins,
    before: link.steps?.slice(0, -1) ?? [],
  });
  return link;
}
const decoded = decode();

async function main() {
  const link = await decoded;
  if (new URLSearchParams(location.hash.slice(1)).get("compact") === "1")
    document.body.classList.add("compact");
  try {
    if (link.error)
      return failed(
        {
          message: link.error,
          hint: "Check the demo's name and parameters against ndlab's catalogue.",
        },
        true,
      );
    setState("loading");
    await (state.kind === "lab" ? startLab() : startOp());
  } finally {
    // the first height the host page gets is the demo's final one: its results' room is held
    reportHeight();
  }
  ndlab.ready.catch((/** @type {any} */ error) => failed(error, true));
}

main().catch((error) => failed(error, true));
