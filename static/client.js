// @ts-check
// Talks to the Pyodide worker: request ids, progress, readiness, cancellation, and recovery.
//
// Cancelling the request that is running uses an interrupt buffer when the browser can share
// memory with the worker (Python raises KeyboardInterrupt and stays warm). Otherwise the busy
// worker is terminated and a spare one, started once the first was ready, takes over.
//
// Python's start never waits silently: a browser without what it needs, a worker that fails,
// and a start that goes STALL_SECONDS without progress all reject `ready` with what failed and
// what to do, which every page shows.
//
// Embedded demos use a shared worker instead, so every demo on a host page shares one Python.
// A shared worker cannot be stopped by one demo: cancelling its running request drops the answer.

import { CONTROL, EVENT, HINTS, cancelled, errorInfo } from "./protocol.js";

/** A structured error from Python or the worker: type, message and a hint for the user. */
export class NdlabError extends Error {
  /** @param {import("./protocol.js").ErrorInfo} info */
  constructor(info) {
    super(info.message);
    this.name = info.type === "AbortError" ? "AbortError" : "NdlabError";
    this.type = info.type;
    this.hint = info.hint;
    /** For a MemoryError refused before running: the scale of width and height that fits. */
    this.fit = info.fit;
    /** "parameters" when a lab's parameter is invalid, not its data. */
    this.about = info.about;
  }
}

/**
 * Copy pixels once into a buffer that can be transferred (the caller keeps its image).
 * @returns {import("./protocol.js").Pixels}
 * @param {{data: Uint8ClampedArray | Uint8Array, width: number, height: number}} image
 */
export function copyPixels(image) {
  return { buffer: image.data.slice().buffer, width: image.width, height: image.height };
}

const WORKER_URL = new URL("../worker/worker.js", import.meta.url);
// The shared worker's name: build.py stamps it with a digest of the worker's code and Python's
// packages, so that pages of two builds (a tab left open across an update) never share a worker.
const WORKER_NAME = "ndlab";
const SIGINT = 2;
/**
 * How long Python's start may go without a sign of progress (the worker reports each percent
 * downloaded and each stage) before the page calls it stalled. Generous: importing NumPy and
 * SciPy on a slow, busy computer sends nothing for many seconds. (Tests set ndlabStallSeconds.)
 */
const STALL_SECONDS = /** @type {any} */ (globalThis).ndlabStallSeconds ?? 120;
/**
 * The shared worker's options. `extendedLifetime` asks the browser to keep it running for a while
 * after the last page using it is left (Chromium 148 and later; others ignore it), so the next
 * page of a docs site with demos connects to the same Python, already started, instead of
 * starting another: a book of pages starts Python once.
 * @param {string} name
 */
function sharedWorkerOptions(name) {
  return /** @type {WorkerOptions} */ ({ type: "module", name, extendedLifetime: true });
}
/** What Python's start needs from the browser, by global name. */
const NEEDED = { Worker: "Web Workers", WebAssembly: "WebAssembly" };

/**
 * An Int32Array the page and the worker share, to interrupt Python; null where the browser cannot
 * share memory with a worker. Decided by trying, not by `crossOriginIsolated`: WebKitGTK reports
 * it true without a SharedArrayBuffer global, and one filled in cannot be posted (DataCloneError).
 */
function interruptBuffer() {
  if (globalThis.crossOriginIsolated !== true || typeof SharedArrayBuffer !== "function")
    return null;
  try {
    const buffer = new SharedArrayBuffer(4);
    const channel = new MessageChannel();
    channel.port1.postMessage(buffer);
    channel.port1.close();
    return new Int32Array(buffer);
  } catch {
    return null;
  }
}

/** One worker (or one connection to the shared worker) and the requests it owes answers to. */
class Runner {
  /**
   * @param {(p: any) => void} onProgress @param {Int32Array | null} interrupt
   * @param {string | null} shared the shared worker's name, or null for a dedicated worker
   */
  constructor(onProgress, interrupt, shared = null) {
    /** @type {Map<number, {resolve: Function, reject: Function, onProgress?: Function}>} */
    this.pending = new Map();
    /** The id of the request the worker is running, if any. */
    this.running = 0;
    /** @type {((runtime: any) => void)[]} */
    this.statusWaiters = [];
    /** @type {(reason: string) => void} */
    this.onCrash = () => {};
    /** Whether Python has started in this worker. */
    this.started = false;
    /** @type {(value: any) => void} */
    this.resolveReady = () => {};
    /** @type {(error: any) => void} */
    this.rejectReady = () => {};
    this.ready = new Promise((resolve, reject) => {
      /** @type {(value: any) => void} */
      this.resolveReady = resolve;
      /** @type {(error: any) => void} */
      this.rejectReady = reject;
    });
    this.ready.catch(() => {}); // callers that await it see the error
    /** @type {(value?: any) => void} */
    this.resolveSettled = () => {};
    /** Resolves once the worker has what it fetches after the first job (EVENT.settled). */
    this.settled = new Promise((resolve) => (this.resolveSettled = resolve));
    /** The start's last stage, named when it stalls. */
    this.stage = "";
    this.watchdog = 0;
    this.ready
      .then(
        () => (this.started = true),
        () => {},
      )
      .then(() => clearTimeout(this.watchdog));
    /** @type {MessagePort | Worker} */
    this.worker = /** @type {any} */ ({ postMessage() {} }); // until there is one
    this.close = () => {};
    const missing = Object.entries(NEEDED)
      .filter(([name]) => !(name in globalThis))
      .map(([, what]) => what);
    if (missing.length) {
      this.rejectReady(
        startError(
          `This browser has no ${missing.join(" and ")}, which Python needs here.`,
          HINTS.unsupported,
        ),
      );
      return;
    }
    let worker;
    try {
      worker = shared
        ? new SharedWorker(WORKER_URL, sharedWorkerOptions(shared))
        : new Worker(WORKER_URL, { type: "module" });
    } catch (error) {
      this.rejectReady(
        startError(
          `The Python worker could not be created: ${/** @type {any} */ (error)?.message ?? error}.`,
          HINTS.unsupported,
        ),
      );
      return;
    }
    // by what was made, not `instanceof SharedWorker`: a browser without shared workers has no
    // such name, and the dedicated worker made instead must still start
    const port = shared ? /** @type {SharedWorker} */ (worker).port : null;
    const dedicated = /** @type {Worker} */ (worker);
    this.worker = port ?? dedicated;
    this.close = () => (port ? port.close() : dedicated.terminate());
    this.worker.onmessage = (/** @type {MessageEvent} */ event) =>
      this.receive(event.data, onProgress);
    worker.onerror = (/** @type {any} */ event) => {
      event.preventDefault();
      this.onCrash(event.message || "the worker stopped");
    };
    if (interrupt) this.worker.postMessage({ type: CONTROL.interruptBuffer, buffer: interrupt });
    this.awake();
  }

  /** The start made progress: it has STALL_SECONDS more to make more before it is stopped. */
  awake() {
    clearTimeout(this.watchdog);
    if (this.started) return;
    this.watchdog = setTimeout(() => {
      const where = this.stage ? ` (at “${this.stage}”)` : "";
      this.stop(
        startError(
          `Python's start made no progress for ${STALL_SECONDS} s${where}.`,
          HINTS.stalled,
        ),
      );
    }, STALL_SECONDS * 1000);
  }

  /** @param {any} message @param {(p: any) => void} onProgress */
  receive(message, onProgress) {
    if (!this.started) this.awake();
    if (message.type === EVENT.progress) {
      this.stage = message.stage;
      return onProgress(message);
    }
    if (message.type === EVENT.ready) return this.resolveReady(message);
    if (message.type === EVENT.settled) return this.resolveSettled();
    if (message.type === EVENT.failed) return this.stop(new NdlabError(message.error));
    if (message.type === EVENT.started) return this.watch(message.id);
    if (message.type === EVENT.crashed) return this.onCrash(message.message);
    if (message.type === EVENT.status) return this.statusWaiters.shift()?.(message.runtime);
    if (message.type === EVENT.jobProgress)
      return void this.pending.get(message.id)?.onProgress?.(message);
    const request = this.pending.get(message.id);
    this.running = 0;
    if (!request) return;
    this.pending.delete(message.id);
    if (message.ok) request.resolve(message);
    else request.reject(new NdlabError(message.error));
  }

  /**
   * Run `id` has started. A probe queued behind it reaches the worker when the run is over: if
   * the run was stopped without an answer, the worker finds it still under way and reports
   * "crashed" to every connection (every demo sharing it), instead of leaving them waiting.
   * @param {number} id
   */
  watch(id) {
    this.running = id;
    this.worker.postMessage({ type: CONTROL.probe });
  }

  /** Which Python runtime answers, and how many connections it has had. */
  status() {
    return new Promise((resolve) => {
      this.statusWaiters.push(resolve);
      this.worker.postMessage({ type: CONTROL.status });
    });
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
    this.close();
    this.rejectReady(error);
    this.resolveSettled(); // it fetches nothing more: what waits for it goes on
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}

export class WorkerClient {
  /**
   * @param {(p: {stage: string, loaded: number, total: number}) => void} onProgress
   * @param {{shared?: boolean}} options `shared`: connect to the one shared worker of this site
   *   (embedded demos), where the browser has shared workers
   */
  constructor(onProgress = () => {}, { shared = false } = {}) {
    this.onProgress = onProgress;
    /** The shared worker's generation: after a crash every demo moves to the next one together. */
    this.generation = shared && typeof SharedWorker === "function" ? 0 : -1;
    this.interrupt = this.generation < 0 ? interruptBuffer() : null;
    this.isolated = this.interrupt !== null;
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
    return Promise.race([
      this.spare.ready.then(
        () => "ready",
        () => "failed",
      ),
      later,
    ]);
  }

  /** Whether this client connects to the shared worker. */
  get shared() {
    return this.generation >= 0;
  }

  /** Resolves when Python is ready in the worker that will run the next request. */
  get ready() {
    return this.primary.ready;
  }

  /** Resolves once that worker has what it fetches after its first job. */
  get settled() {
    return this.primary.settled;
  }

  /** @param {(p: any) => void} onProgress */
  startRunner(onProgress) {
    const runner = new Runner(
      onProgress,
      this.interrupt,
      this.shared ? `${WORKER_NAME}-${this.generation}` : null,
    );
    // A worker that fails before Python is ready fails the start (a fresh one would fail the same way).
    runner.onCrash = (reason) =>
      runner.started
        ? this.replace(runner, crashError(reason))
        : runner.stop(startError(`The Python worker stopped: ${reason}.`, HINTS.startFailed));
    // Without an interrupt buffer, cancelling means replacing the worker: keep a warm spare.
    if (!this.isolated && !this.shared)
      runner.ready.then(
        () => this.primary === runner && !this.spare && (this.spare = new Runner(() => {}, null)),
      );
    return runner;
  }

  /** Stop `runner` and let the spare (or a fresh worker) take over. @param {Runner} runner @param {Error} error */
  replace(runner, error) {
    if (runner !== this.primary) return;
    runner.stop(error);
    if (this.shared) {
      this.generation++;
      this.primary = this.startRunner(this.onProgress);
    } else if (this.spare) {
      this.primary = this.spare;
      this.primary.onCrash = (reason) => this.replace(this.primary, crashError(reason));
      this.spare = null;
      this.primary.ready.then(
        () => this.primary && !this.spare && (this.spare = new Runner(() => {}, null)),
      );
    } else {
      this.primary = this.startRunner(this.onProgress);
    }
  }

  /** The Python runtime that answers: {id, shared, connections}. */
  runtime() {
    return this.primary.status();
  }

  /**
   * Send a request; its buffers (image.buffer, bytes.buffer) are transferred.
   * @template {import("./protocol.js").JobRequest} R
   * @param {R} request
   * @param {{signal?: AbortSignal, onProgress?: (p: {fraction: number, message: string}) => void}} options
   * @returns {Promise<import("./protocol.js").Jobs[R["type"]]["reply"]>}
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
      runner.worker.postMessage({ type: CONTROL.cancel, id });
      request.reject(abortError("Cancelled before it started."));
    } else if (this.interrupt) {
      // Python raises KeyboardInterrupt at its next check; the answer is a cancellation error.
      this.interrupt[0] = SIGINT;
    } else if (this.shared) {
      // Other demos share this Python: let it finish, and drop the answer.
      runner.pending.delete(id);
      request.reject(
        abortError("Cancelled: the shared Python finishes this step, and its answer is dropped."),
      );
    } else {
      this.replace(
        runner,
        abortError("Cancelled: the busy Python was stopped and a warm spare took over."),
      );
    }
  }
}

/** @param {string} message */
const abortError = (message) => new NdlabError(cancelled(message));

/** @param {string} message @param {string} hint */
const startError = (message, hint) => new NdlabError(errorInfo("StartError", message, hint));

/** @param {string} reason */
const crashError = (reason) =>
  new NdlabError(errorInfo("WorkerCrash", `The Python worker stopped: ${reason}.`, HINTS.crashed));
