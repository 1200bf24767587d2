// @ts-check
// Talks to the Pyodide worker: request ids, progress, readiness, and recovery from a crash.

/** @typedef {{type: string, message: string, hint: string}} NdlabErrorInfo */

/** A structured error from Python or the worker: type, message and a hint for the user. */
export class NdlabError extends Error {
  /** @param {NdlabErrorInfo} info */
  constructor(info) {
    super(info.message);
    this.name = "NdlabError";
    this.type = info.type;
    this.hint = info.hint;
  }
}

/**
 * Copy pixels once into a buffer that can be transferred (the caller keeps its image).
 * @param {{data: Uint8ClampedArray | Uint8Array, width: number, height: number}} image
 */
export function copyPixels(image) {
  return { buffer: image.data.slice().buffer, width: image.width, height: image.height };
}

const WORKER_URL = new URL("../worker/worker.js", import.meta.url);

export class WorkerClient {
  /** @param {(p: {stage: string, loaded: number, total: number}) => void} onProgress */
  constructor(onProgress = () => {}) {
    this.onProgress = onProgress;
    /** @type {Map<number, {resolve: Function, reject: Function}>} */
    this.pending = new Map();
    this.nextId = 1;
    this.start();
  }

  start() {
    this.worker = new Worker(WORKER_URL, { type: "module" });
    /** @type {Promise<{catalog: object, timings: object}>} */
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {}); // callers that await it see the error; no unhandled rejection
    this.worker.onmessage = (event) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.crashed(event.message || "the worker stopped");
    };
  }

  /** @param {any} message */
  receive(message) {
    if (message.type === "progress") return this.onProgress(message);
    if (message.type === "ready") return this.resolveReady(message);
    if (message.type === "failed") return this.rejectReady(new NdlabError(message.error));
    const request = this.pending.get(message.id);
    if (!request) return;
    this.pending.delete(message.id);
    if (message.ok) request.resolve(message);
    else request.reject(new NdlabError(message.error));
    if (message.fatal) this.crashed(message.error.message);
  }

  /** The worker died (out of memory, a crash): fail what was running and start a fresh one. */
  crashed(reason) {
    const error = new NdlabError({
      type: "WorkerCrash",
      message: `The Python worker stopped: ${reason}.`,
      hint: "A fresh Python is starting; your image and settings are kept. Try a smaller image if this repeats.",
    });
    this.rejectReady(error);
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
    this.worker.terminate();
    this.start();
  }

  /**
   * Run an operation on RGBA pixels. The pixels are copied once here (the caller keeps its
   * image) and that copy is transferred, not cloned, to the worker.
   * @param {string} name
   * @param {object} params
   * @param {{data: Uint8ClampedArray | Uint8Array, width: number, height: number}} image
   */
  run(name, params, image) {
    return this.request({ type: "run", name, params, image: copyPixels(image) });
  }

  /**
   * Send a request; its buffers (image.buffer, bytes.buffer) are transferred.
   * @param {{type: string, image?: {buffer: ArrayBuffer}, bytes?: Uint8Array, [key: string]: any}} request
   */
  request(request) {
    const id = this.nextId++;
    const transfer = [request.image?.buffer, request.bytes?.buffer].filter(Boolean);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...request }, /** @type {Transferable[]} */ (transfer));
    });
  }
}
