// @ts-check
// The Pyodide worker: loads Python, NumPy, SciPy and ndlab, then answers requests one at a time.
// It never touches the DOM. Protocol (see static/client.js):
//   page -> worker  {id, type: "run", name, params, image: {buffer, width, height}}  (buffer transferred)
//   worker -> page  {type: "progress", stage, loaded, total}
//                   {type: "ready", timings} | {type: "failed", error}
//                   {id, ok: true, meta, image: {buffer, width, height}}             (buffer transferred)
//                   {id, ok: false, error: {type, message, hint}}
import { loadPyodide } from "../pyodide/pyodide.mjs";

const PYODIDE_URL = new URL("../pyodide/", import.meta.url).href;
const started = performance.now();

/** @param {object} message */
const post = (message, transfer = []) => self.postMessage(message, transfer);

/**
 * Count the bytes of every response Pyodide fetches, so the page can draw a real progress bar.
 * The expected total comes from build.json, which the build writes.
 */
function countDownloads(total) {
  let loaded = 0;
  const fetchOriginal = self.fetch.bind(self);
  self.fetch = async (input, init) => {
    const response = await fetchOriginal(input, init);
    if (!response.body) return response;
    const counter = new TransformStream({
      transform(chunk, controller) {
        loaded += chunk.byteLength;
        post({ type: "progress", stage: "Downloading Python, NumPy and SciPy", loaded, total });
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(counter), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return () => {
    self.fetch = fetchOriginal;
  };
}

async function start() {
  const build = await (await fetch(new URL("../build.json", import.meta.url))).json();
  const restoreFetch = countDownloads(build.startup_bytes);
  const pyodide = await loadPyodide({ indexURL: PYODIDE_URL, packages: ["ndlab"] });
  restoreFetch();
  post({ type: "progress", stage: "Importing ndlab", loaded: 1, total: 1 });
  const web = pyodide.pyimport("ndlab.web");
  post({ type: "ready", catalog: JSON.parse(web.catalog_json()), timings: { startup_ms: performance.now() - started } });
  return web;
}

const ready = start();
ready.catch((error) =>
  post({
    type: "failed",
    error: {
      type: error?.name ?? "Error",
      message: String(error?.message ?? error),
      hint: "Python could not start. Reload the page; if it keeps failing, rebuild with `python3 build.py build`.",
    },
  }),
);

/**
 * Run one operation: one copy of the pixels into the Wasm heap, one copy out.
 * @param {any} web the ndlab.web module proxy
 */
function runOperation(web, { name, params, image }) {
  const t0 = performance.now();
  const input = web.alloc(image.height, image.width);
  const output = { result: null, meta: "" };
  try {
    const inBuf = input.getBuffer("u8");
    try {
      inBuf.data.set(new Uint8Array(image.buffer));
    } finally {
      inBuf.release();
    }
    const t1 = performance.now();
    const pair = web.run_rgba(name, input, JSON.stringify(params ?? {}));
    const t2 = performance.now();
    try {
      output.meta = pair.get(1);
      const result = pair.get(0);
      try {
        const outBuf = result.getBuffer("u8");
        try {
          const [height, width] = outBuf.shape;
          output.result = { buffer: outBuf.data.slice().buffer, width, height };
        } finally {
          outBuf.release();
        }
      } finally {
        result.destroy();
      }
    } finally {
      pair.destroy();
    }
    const meta = JSON.parse(output.meta);
    meta.timings = { ...meta.timings, copy_in_ms: t1 - t0, python_ms: t2 - t1, copy_out_ms: performance.now() - t2 };
    return { meta, image: output.result };
  } finally {
    input.destroy();
  }
}

// One job at a time, in arrival order.
let queue = Promise.resolve();
self.onmessage = (event) => {
  const request = event.data;
  queue = queue.then(async () => {
    try {
      const web = await ready;
      const { meta, image } = runOperation(web, request);
      if (meta.error) {
        post({ id: request.id, ok: false, error: meta.error });
      } else {
        post({ id: request.id, ok: true, meta, image }, [image.buffer]);
      }
    } catch (error) {
      post({
        id: request.id,
        ok: false,
        error: {
          type: error?.type ?? error?.name ?? "Error",
          message: String(error?.message ?? error),
          hint: "The worker hit an unexpected error; the page still works. Try again or reload.",
        },
      });
    }
  });
};
