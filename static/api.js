// @ts-check
// The JS API on window.ndlab, used by the page itself, by embedders and by the tests.
import { NdlabError, WorkerClient, copyPixels } from "./client.js";
import { loadImage, toPixels } from "./images.js";
import { HINTS, JOB, errorInfo } from "./protocol.js";

/**
 * @typedef {import("./protocol.js").PipelineMeta & {image: ImageData, values: Float32Array | null}} PipelineResult
 * @typedef {{image: ImageData, meta: import("./protocol.js").Jobs["read_array"]["reply"]["meta"],
 *   source: {bytes: Uint8Array, filename: string, variable: string}}} ArrayInput
 * @typedef {import("./protocol.js").CodeError} CodeError
 * @typedef {(import("./protocol.js").Described & {values: Float32Array | null, npy: Uint8Array}) | {repr: string}} CodeData
 * @typedef {{image: ImageData | null, data: CodeData | null, stdout: string, stderr: string, figures: Blob[],
 *   error: CodeError | null}} CodeResult
 */

/** @param {{buffer: ArrayBuffer, width: number, height: number}} image */
const imageData = (image) =>
  new ImageData(new Uint8ClampedArray(image.buffer), image.width, image.height);

/**
 * A new input's id, chosen here so that a run follows its pixels in one round trip: random above
 * 2^31 (the worker counts its own ids, a file's array's, from 1), so that the pages one shared
 * worker serves do not meet.
 */
function newInputId() {
  const [high, low] = crypto.getRandomValues(new Uint32Array(2));
  return 2 ** 31 + (high % 2 ** 20) * 2 ** 32 + low;
}

/**
 * The inputs held by the worker, by the object they came from (an ImageData, {data, width,
 * height} or a readArray handle, whose pixels must not change once used): each is sent once,
 * sent again to a fresh worker (after a crash, or a cancel that replaced it), and released when
 * the object is garbage-collected. Pixels are sent under an id chosen here, and the job about
 * them follows at once, without waiting for the worker's answer (it runs jobs in turn).
 * @param {WorkerClient} client
 */
function heldInputs(client) {
  /** @typedef {{runner: any, id: Promise<number>, sent: Promise<unknown>}} Held */
  /** @type {WeakMap<object, Held>} */
  const held = new WeakMap();
  const release = new FinalizationRegistry(
    (/** @type {{runner: any, id: number}} */ { runner, id }) => {
      if (runner === client.primary)
        client.request({ type: JOB.release, input: id }).catch(() => {});
    },
  );
  /** Send `input`: its id, and its sending (which fails with the worker's reason). @param {any} input */
  const send = (input) => {
    const source = input.source;
    if (source) {
      const sent = client
        .request({ type: JOB.readArray, ...source, bytes: source.bytes.slice() })
        .then(({ meta }) => /** @type {number} */ (meta.input));
      return { id: sent, sent };
    }
    const id = newInputId();
    const sent = client
      .request({ type: JOB.load, image: copyPixels(input), input: id })
      .then(({ meta }) => {
        if (meta.error) throw new NdlabError(meta.error);
      });
    return { id: Promise.resolve(id), sent };
  };
  /** @param {object} input @param {{id: Promise<number>, sent: Promise<unknown>}} sending */
  const remember = (input, { id, sent }) => {
    /** @type {Held} */
    const known = { runner: client.primary, id, sent };
    held.set(input, known);
    Promise.all([id, sent]).then(
      ([value]) => release.register(input, { runner: known.runner, id: value }, input),
      () => held.get(input) === known && held.delete(input),
    );
    return known;
  };
  /** The input as the worker that answers now holds it, sent if needed. @param {any} input */
  const heldBy = (input) => {
    const known = held.get(input);
    return known && known.runner === client.primary ? known : remember(input, send(input));
  };
  return {
    /** Forget `input` in the worker now, rather than when it is collected. @param {any} input */
    release(input) {
      const known = held.get(input);
      held.delete(input);
      if (known && known.runner === client.primary) {
        Promise.all([known.id, known.sent])
          .then(([id]) => {
            release.unregister(input);
            return client.request({ type: JOB.release, input: id });
          })
          .catch(() => {});
      }
    },
    /** A readArray handle's array is already in the worker. @param {object} handle @param {number} id */
    adopt: (handle, id) => remember(handle, { id: Promise.resolve(id), sent: Promise.resolve() }),
    /**
     * Send a job about `input`, made by `job(id)`; an input the worker lost is sent again once.
     * @template {import("./protocol.js").JobRequest} R
     * @param {any} input @param {(id: number) => R} job @param {{signal?: AbortSignal}} options
     * @returns {Promise<import("./protocol.js").Jobs[R["type"]]["reply"]>}
     */
    async request(input, job, options) {
      // A canvas changes: its pixels now are a new input. A bad input is refused here.
      if (!input?.source)
        input = input instanceof HTMLCanvasElement ? toPixels(input) : (toPixels(input), input);
      await client.ready;
      const first = heldBy(input);
      try {
        return await client.request(job(await first.id), options);
      } catch (error) {
        if (/** @type {any} */ (error).type !== "UnknownInput") throw error;
        await first.sent; // the input was refused: its own reason, not the job's
        held.delete(input);
        return client.request(job(await heldBy(input).id), options);
      }
    },
  };
}

/**
 * A JSON file of the site; one that does not answer 200 fails with its status, not as JSON
 * that does not parse.
 * @param {string} path relative to the site
 */
async function siteJson(path) {
  const response = await fetch(new URL(`../${path}`, import.meta.url));
  if (!response.ok) throw new Error(`the site's ${path} answered ${response.status}`);
  return response.json();
}

/** @typedef {ReturnType<typeof createApi>} Api the JS API, as the views take it */

/**
 * @param {(p: {stage: string, loaded: number, total: number}) => void} onProgress
 * @param {{shared?: boolean}} options `shared`: use the one Python shared by every embedded demo
 */
export function createApi(onProgress, options = {}) {
  const client = new WorkerClient(onProgress, options);
  const inputs = heldInputs(client);
  const catalogPromise = siteJson("catalog.json");
  const samplesPromise = siteJson("samples/samples.json");
  const labsPromise = siteJson("labs.json");

  const api = {
    /** Resolves when Python, NumPy, SciPy and ndlab are loaded: {catalog, timings}. */
    get ready() {
      return client.ready;
    },
    /**
     * Resolves once the first job is answered and Python has what it fetches after it (after a
     * restore, the packages' files it left for later): the page caches the site for offline use then.
     */
    get settled() {
      return client.settled;
    },
    /**
     * How cancellation works here: {interruptible, spare: "none" | "loading" | "ready" | "failed"}.
     * Without isolation a spare worker is kept loaded to take over from a cancelled one.
     */
    async status() {
      return { interruptible: client.isolated, spare: await client.spareState() };
    },
    /** The Python runtime that answers: {id, shared, connections} (demos sharing one see one id). */
    runtime: () => client.runtime(),
    /** True when cancelling keeps Python warm (the page is cross-origin isolated). */
    get interruptible() {
      return client.isolated;
    },
    /** The catalogue: every operation with its parameter spec (available before Python is). */
    catalog: () => catalogPromise,
    ops: async () => (await catalogPromise).operations,
    /** The SciPy labs: name, category, title, summary, about, doc, params (before Python is ready). */
    labs: async () => (await labsPromise).labs,
    /**
     * Run a lab.
     * @param {string} name lab name, see labs()
     * @param {Record<string, any>} params its parameters; missing ones take their defaults
     * @param {{signal?: AbortSignal, onProgress?: (p: {fraction: number, message: string}) => void}} options
     * @returns {Promise<import("./protocol.js").LabMeta>}
     */
    async runLab(name, params, options = {}) {
      await client.ready;
      return (await client.request({ type: "lab", name, params: params ?? {} }, options)).meta;
    },
    /** Bundled sample images: name, title, credit, file, width, height. */
    samples: () => samplesPromise,
    /** @param {string} name */
    async loadSample(name) {
      const sample = (await samplesPromise).find((/** @type {any} */ s) => s.name === name);
      if (!sample)
        throw new NdlabError(
          errorInfo("ValueError", `Unknown sample “${name}”.`, HINTS.unknownSample),
        );
      return loadImage(new URL(`../${sample.file}`, import.meta.url).href);
    },
    /**
     * Free the memory an input holds in the worker (its array and cached steps) now; it is
     * freed anyway once the object is garbage-collected.
     * @param {any} input
     */
    release: (input) => inputs.release(input),
    /**
     * Run a pipeline on an input; the input stays in the worker, and so does every step's array in
     * full precision: running again after editing step k recomputes steps k and after only.
     * @param {{name: string, params?: Record<string, any>}[]} steps
     * @param {any} input ImageData, a canvas, {data, width, height} with RGBA bytes, or what
     *   readArray returns (its array is already in the worker)
     * @param {{signal?: AbortSignal, onProgress?: (p: {fraction: number, message: string}) => void, values?: boolean, histogram?: boolean, preview?: boolean}} options
     *   `values`: also return the last array's values (Float32Array) when it is an image, to read
     *   them under the cursor; `histogram: false` leaves out the count of its values; `preview`: a
     *   slider preview, which may come back as a draft (`draft` k > 1: the steps ran on a copy k
     *   times smaller with their lengths in pixels divided by k; `image` is that small,
     *   `display_shape` the full result's [rows, columns], `code` null)
     * @returns {Promise<PipelineResult>}
     */
    async runPipeline(steps, input, options = {}) {
      const list = steps.map((s) => ({ name: s.name, params: s.params ?? {} }));
      const { meta, image, values } = await inputs.request(
        input,
        (id) => ({
          type: JOB.pipeline,
          input: id,
          steps: list,
          values: Boolean(options.values),
          histogram: options.histogram !== false,
          preview: Boolean(options.preview),
        }),
        options,
      );
      return {
        ...meta,
        image: imageData(/** @type {import("./protocol.js").Pixels} */ (image)),
        values: values ? new Float32Array(values) : null,
      };
    },
    /**
     * Run a learner's code in the worker, with `image` bound to the input's array (as runPipeline
     * takes it) and `data` to `options.data`. Packages it imports (matplotlib) load first.
     * Resolves to what it did: `image` the display of the array it left in `result` (or of its
     * last expression), `data` that array described (or `{repr}` for anything else), `figures`
     * its matplotlib figures as PNG blobs, `error` its own error with the line of the code; the
     * promise rejects only for ndlab's own faults and cancellation.
     * @param {string} code
     * @param {any} input as for runPipeline, or null to bind `image` to None
     * @param {{signal?: AbortSignal, data?: any, onProgress?: (p: {fraction: number, message: string}) => void}} options
     * @returns {Promise<CodeResult>}
     */
    async runCode(code, input, options = {}) {
      const job = (/** @type {number | null} */ id) => ({
        type: JOB.code,
        input: id,
        code,
        data: options.data ?? null,
      });
      const { meta, image, values, bytes, figures } =
        input == null
          ? await client.ready.then(() => client.request(job(null), options))
          : await inputs.request(input, job, options);
      /** @type {CodeData | null} */
      const data =
        meta.result && "shape" in meta.result
          ? { ...meta.result, values: values ? new Float32Array(values) : null, npy: bytes }
          : /** @type {any} */ (meta.result);
      return {
        image: image ? imageData(image) : null,
        data,
        stdout: meta.stdout,
        stderr: meta.stderr,
        figures: (figures ?? []).map(
          (/** @type {ArrayBuffer} */ png) => new Blob([png], { type: "image/png" }),
        ),
        error: meta.user_error,
      };
    },
    /**
     * Run one operation: a pipeline of one step.
     * @param {string} name operation name, see ops()
     * @param {Record<string, any>} params its parameters; missing ones take their defaults
     * @param {any} input as for runPipeline
     * @param {{signal?: AbortSignal, values?: boolean}} options `signal` cancels the call
     * @returns {Promise<PipelineResult>}
     */
    run(name, params, input, options = {}) {
      return api.runPipeline([{ name, params: params ?? {} }], input, options);
    },
    /**
     * The pipeline as a script for Dask (ndlab.dask_script), and a note for each step that cannot
     * run in chunks exactly (the script runs it on the whole array).
     * @param {{name: string, params?: Record<string, any>}[]} steps
     * @param {{signal?: AbortSignal}} options
     * @returns {Promise<{script: string, notes: string[]}>}
     */
    async daskScript(steps, options = {}) {
      await client.ready;
      const list = steps.map((s) => ({ name: s.name, params: s.params ?? {} }));
      return (await client.request({ type: JOB.daskScript, steps: list }, options)).meta;
    },
    /**
     * The pipeline's last array as .npy bytes (float where it is float), from the worker's cache.
     * @param {{name: string, params?: Record<string, any>}[]} steps @param {any} input
     * @param {{signal?: AbortSignal}} options
     * @returns {Promise<Uint8Array>}
     */
    async npy(steps, input, options = {}) {
      const list = steps.map((s) => ({ name: s.name, params: s.params ?? {} }));
      const reply = await inputs.request(
        input,
        (id) => ({ type: JOB.npy, input: id, steps: list }),
        options,
      );
      return /** @type {Uint8Array} */ (reply.bytes);
    },
    /**
     * Read a .npy, .npz or MATLAB .mat file: its array stays in the worker as an input for
     * runPipeline; `image` shows it (stretched from its range when not uint8).
     * @param {Blob & {name?: string}} file @param {string} variable which array of a .npz or .mat
     * @param {{signal?: AbortSignal}} options
     * @returns {Promise<ArrayInput>}
     */
    async readArray(file, variable = "", options = {}) {
      const source = {
        bytes: new Uint8Array(await file.arrayBuffer()),
        filename: file.name ?? "array.npy",
        variable,
      };
      await client.ready;
      const { meta, image } = await client.request(
        { type: JOB.readArray, ...source, bytes: source.bytes.slice() },
        options,
      );
      if (meta.input == null)
        throw new NdlabError(errorInfo("ValueError", String(meta.problem), HINTS.finiteArray));
      const handle = {
        image: imageData(/** @type {import("./protocol.js").Pixels} */ (image)),
        meta,
        source,
      };
      inputs.adopt(handle, meta.input);
      return handle;
    },
  };
  return api;
}
