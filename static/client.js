// @ts-check
// Talks to the Pyodide worker: request ids, progress, readiness, cancellation, and recovery.
//
// Cancelling the request that is running uses Pyodide's interrupt buffer when the page is
// cross-origin isolated (Python raises KeyboardInterrupt and stays warm). Otherwise the busy
// worker is terminated and a spare one, started once the first was ready, takes over.

/** @typedef {{type: string, message: string, hint: string}} NdlabErrorInfo */

/** A structured error from Python or the worker: type, message and a hint for the user. */
export class NdlabError extends Error {
  /** @param {NdlabErrorInfo} info */
  constructor(info) {
    super(info.message);
    this.name = info.type === "AbortError" ? "AbortError" : "NdlabError";
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
const SIGINT = 2;

/** One worker and the requests it owes answers to. */
class Runner {
  /** @param {(p: any) => void} onProgress @param {Int32Array | null} interrupt */
  constructor(onProgress, interrupt) {
    this.worker = new Worker(WORKER_URL, { type: "module" });
    /** @type {Map<number, {resolve: Function, reject: Function, onProgress?: Function}>} */
    this.pending = new Map();
    /** The id of the request the worker is running, if any. */
    this.running = 0;
    /** @type {(reason: string) => void} */
    this.onCrash = () => {};
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {}); // callers that await it see the error
    this.worker.onmessage = (event) => this.receive(event.data, onProgress);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.onCrash(event.message || "the worker stopped");
    };
    if (interrupt) this.worker.postMessage({ type: "interrupt-buffer", buffer: interrupt });
  }

  /** @param {any} message @param {(p: any) => void} onProgress */
  receive(message, onProgress) {
    if (message.type === "progress") return onProgress(message);
    if (message.type === "ready") return this.resolveReady(message);
    if (message.type === "failed") return this.rejectReady(new NdlabError(message.error));
    if (message.type === "started") return void (this.running = message.id);
    if (message.type === "job-progress") return void this.pending.get(message.id)?.onProgress?.(message);
    const request = this.pending.get(message.id);
    this.running = 0;
    if (!request) return;
    this.pending.delete(message.id);
    if (message.ok) request.resolve(message);
    else request.reject(new NdlabError(message.error));
    if (message.fatal) this.onCrash(message.error.message);
  }

  /** @param {number} id @param {any} request @param {Function=} onProgress */
  send(id, request, onProgress) {
    const transfer = [request.image?.buffer, request.bytes?.buffer].filter(Boolean);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, ...request }, /** @type {Transferable[]} */ (transfer));
    });
  }

  /** Stop the worker; every request it owed fails with `error`. @param {Error} error */
  stop(error) {
    this.worker.terminate();
    this.rejectReady(error);
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}

export class WorkerClient {
  /** @param {(p: {stage: string, loaded: number, total: number}) => void} onProgress */
  constructor(onProgress = () => {}) {
    this.onProgress = onProgress;
    this.isolated = globalThis.crossOriginIsolated === true;
    this.interrupt = this.isolated ? new Int32Array(new SharedArrayBuffer(4)) : null;
    this.nextId = 1;
    /** @type {Runner | null} */
    this.spare = null;
    this.primary = this.startRunner(onProgress);
  }

  /** Whether a spare worker exists and has Python loaded (only without isolation). */
  async spareState() {
    if (!this.spare) return "none";
    // A settled promise answers before the next task; one still loading does not.
    const later = new Promise((resolve) => setTimeout(() => resolve("loading"), 0));
    return Promise.race([this.spare.ready.then(() => "ready", () => "failed"), later]);
  }

  /** Resolves when Python is ready in the worker that will run the next request. */
  get ready() {
    return this.primary.ready;
  }

  /** @param {(p: any) => void} onProgress */
  startRunner(onProgress) {
    const runner = new Runner(onProgress, this.interrupt);
    runner.onCrash = (reason) => this.replace(runner, crashError(reason));
    // Without an interrupt buffer, cancelling means replacing the worker: keep a warm spare.
    if (!this.isolated) runner.ready.then(() => this.primary === runner && !this.spare && (this.spare = new Runner(() => {}, null)));
    return runner;
  }

  /** Stop `runner` and let the spare (or a fresh worker) take over. @param {Runner} runner @param {Error} error */
  replace(runner, error) {
    if (runner !== this.primary) return;
    runner.stop(error);
    if (this.spare) {
      this.primary = this.spare;
      this.primary.onCrash = (reason) => this.replace(this.primary, crashError(reason));
      this.spare = null;
      this.primary.ready.then(() => this.primary && !this.spare && (this.spare = new Runner(() => {}, null)));
    } else {
      this.primary = this.startRunner(this.onProgress);
    }
  }

  /**
   * Send a request; its buffers (image.buffer, bytes.buffer) are transferred.
   * @param {{type: string, [key: string]: any}} request
   * @param {{signal?: AbortSignal, onProgress?: (p: {fraction: number, message: string}) => void}} options
   */
  request(request, { signal, onProgress } = {}) {
    if (signal?.aborted) return Promise.reject(abortError("Cancelled before it started."));
    const id = this.nextId++;
    const runner = this.primary;
    const promise = runner.send(id, request, onProgress);
    signal?.addEventListener("abort", () => this.cancel(runner, id), { once: true });
    return promise;
  }

  /** @param {Runner} runner @param {number} id */
  cancel(runner, id) {
    const request = runner.pending.get(id);
    if (!request) return;
    if (runner.running !== id) {
      // Not started yet: the worker will skip it.
      runner.pending.delete(id);
      runner.worker.postMessage({ type: "cancel", id });
      request.reject(abortError("Cancelled before it started."));
    } else if (this.interrupt) {
      // Python raises KeyboardInterrupt at its next check; the answer is a cancellation error.
      this.interrupt[0] = SIGINT;
    } else {
      this.replace(runner, abortError("Cancelled: the busy Python was stopped and a warm spare took over."));
    }
  }

  /**
   * Run an operation on RGBA pixels (copied once here, then transferred).
   * @param {string} name @param {object} params
   * @param {{data: Uint8ClampedArray | Uint8Array, width: number, height: number}} image
   * @param {{signal?: AbortSignal}} options
   */
  run(name, params, image, options = {}) {
    return this.request({ type: "run", name, params, image: copyPixels(image) }, options);
  }
}

/** @param {string} message */
const abortError = (message) => new NdlabError({ type: "AbortError", message, hint: "Your image and settings are kept." });

/** @param {string} reason */
const crashError = (reason) =>
  new NdlabError({
    type: "WorkerCrash",
    message: `The Python worker stopped: ${reason}.`,
    hint: "A fresh Python is starting; your image and settings are kept. Try a smaller image if this repeats.",
  });
