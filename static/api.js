// @ts-check
// The JS API on window.ndlab, used by the page itself, by embedders and by the tests.
import { NdlabError, WorkerClient } from "./client.js";
import { loadImage, toPixels } from "./images.js";

/**
 * @param {(p: {stage: string, loaded: number, total: number}) => void} onProgress
 */
export function createApi(onProgress) {
  const client = new WorkerClient(onProgress);
  const catalogPromise = fetch(new URL("../catalog.json", import.meta.url)).then((r) => r.json());
  const samplesPromise = fetch(new URL("../samples/samples.json", import.meta.url)).then((r) => r.json());

  const api = {
    /** Resolves when Python, NumPy, SciPy and ndlab are loaded: {catalog, timings}. */
    get ready() {
      return client.ready;
    },
    /** The catalogue: every operation with its parameter spec (available before Python is). */
    catalog: () => catalogPromise,
    ops: async () => (await catalogPromise).operations,
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
     * @returns {Promise<{image: ImageData, code: string, timings: object, output: string, info: object, params: object}>}
     */
    async run(name, params, input) {
      const pixels = toPixels(input);
      await client.ready;
      const { meta, image } = await client.run(name, params ?? {}, pixels);
      const result = new ImageData(new Uint8ClampedArray(image.buffer), image.width, image.height);
      return { image: result, code: meta.code, timings: meta.timings, output: meta.output, info: meta.info, params: meta.params, name: meta.name };
    },
  };
  return api;
}
