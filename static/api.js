// @ts-check
// The JS API on window.ndlab, used by the page itself, by embedders and by the tests.
import { NdlabError, WorkerClient, copyPixels } from "./client.js";
import { loadImage, toPixels } from "./images.js";

/**
 * @param {(p: {stage: string, loaded: number, total: number}) => void} onProgress
 * @param {{shared?: boolean}} options `shared`: use the one Python shared by every embedded demo
 */
export function createApi(onProgress, options = {}) {
  const client = new WorkerClient(onProgress, options);
  const catalogPromise = fetch(new URL("../catalog.json", import.meta.url)).then((r) => r.json());
  const samplesPromise = fetch(new URL("../samples/samples.json", import.meta.url)).then((r) => r.json());
  const labsPromise = fetch(new URL("../labs.json", import.meta.url)).then((r) => r.json());

  const api = {
    /** Resolves when Python, NumPy, SciPy and ndlab are loaded: {catalog, timings}. */
    get ready() {
      return client.ready;
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
     * @returns {Promise<{name: string, params: object, outputs: {plots?: any[], heatmaps?: any[], tables?: any[], values?: object, text?: string[]}, code: string, timings: object}>}
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
      if (!sample) throw new NdlabError({ type: "ValueError", message: `Unknown sample “${name}”.`, hint: "See ndlab.samples()." });
      return loadImage(new URL(`../${sample.file}`, import.meta.url).href);
    },
    /**
     * Run an operation.
     * @param {string} name operation name, see ops()
     * @param {Record<string, any>} params its parameters; missing ones take their defaults
     * @param {any} input ImageData, a canvas, or {data, width, height} with RGBA bytes
     * @param {{signal?: AbortSignal}} options `signal` cancels the call
     * @returns {Promise<{image: ImageData, code: string, timings: object, output: string, info: object, params: object}>}
     */
    async run(name, params, input, options = {}) {
      const pixels = toPixels(input);
      await client.ready;
      const { meta, image } = await client.run(name, params ?? {}, pixels, options);
      const result = new ImageData(new Uint8ClampedArray(image.buffer), image.width, image.height);
      return { image: result, code: meta.code, timings: meta.timings, output: meta.output, info: meta.info, params: meta.params, name: meta.name, memory_mb: meta.memory_mb };
    },
    /**
     * Run an operation and get its underlying array as .npy bytes (float where the result is float).
     * @param {string} name @param {Record<string, any>} params @param {any} input
     * @param {{signal?: AbortSignal}} options
     * @returns {Promise<Uint8Array>}
     */
    async npy(name, params, input, options = {}) {
      const image = copyPixels(toPixels(input));
      await client.ready;
      return (await client.request({ type: "npy", name, params: params ?? {}, image }, options)).bytes;
    },
    /**
     * Read a .npy or MATLAB .mat file as an image (`variable` picks one of a .mat's arrays).
     * @param {Blob & {name?: string}} file @param {string} variable
     * @param {{signal?: AbortSignal}} options
     * @returns {Promise<{image: ImageData, meta: {variables: string[], variable: string, shape: number[], dtype: string, scaled: boolean}}>}
     */
    async readArray(file, variable = "", options = {}) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      await client.ready;
      const { meta, image } = await client.request({ type: "read_array", bytes, filename: file.name ?? "array.npy", variable }, options);
      return { image: new ImageData(new Uint8ClampedArray(image.buffer), image.width, image.height), meta };
    },
    /**
     * The pipeline as one runnable NumPy/SciPy script for this input.
     * @param {{name: string, params: Record<string, any>}[]} steps @param {any} input
     * @param {{signal?: AbortSignal}} options
     * @returns {Promise<string>}
     */
    async pipelineCode(steps, input, options = {}) {
      const image = copyPixels(toPixels(input));
      await client.ready;
      const { meta } = await client.request({ type: "pipeline_code", steps: steps.map((s) => [s.name, s.params]), image }, options);
      return meta.code;
    },
  };
  return api;
}
