// @ts-check
// The worker's transport: its connections (the page, or each embedded demo on the shared worker),
// the queue that runs their jobs one at a time, control messages, the crash probe and the
// interrupt buffer. It knows nothing of Python: worker.js hands it the job handler.
import { CONTROL, EVENT, JOB } from "../static/protocol.js";

/** Who this runtime is, for pages that check their demos share one. (Not crypto.randomUUID:
 * browsers have it only in secure contexts, and a classroom's LAN address over http is not one.) */
export const runtime = {
  id: Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(16)).join("-"),
  shared: "onconnect" in self,
  connections: 0,
};
/** @type {Set<MessagePort | Worker>} every connection: the page, or each embedded demo */
const ports = new Set();
/** The start-up messages so far, replayed to a demo that connects later. */
const startup = [];

/** Send to every connection (start-up progress and readiness). @param {any} message */
export function broadcast(message) {
  if (message.type === EVENT.progress)
    startup.splice(0, startup.length, ...startup.filter((m) => m.type !== EVENT.progress));
  startup.push(message);
  for (const port of ports) port.postMessage(message);
}

/**
 * The request whose Python call is under way. Calls are synchronous, so the worker handles
 * messages only between them: a message that finds one under way means the call was stopped from
 * outside (the browser or a debugger ended its JavaScript) and will never answer.
 * @type {any}
 */
let underway = null;

/**
 * Run `call`, a synchronous Python call for `request`, marked as under way (see `underway`).
 * @template T @param {any} request @param {() => T} call @returns {T}
 */
export function blocking(request, call) {
  underway = request;
  try {
    return call();
  } finally {
    underway = null;
  }
}

/** Tell every connection that this Python is gone, and close, so each starts a fresh worker. @param {string} message */
export function crash(message) {
  for (const port of ports) port.postMessage({ type: EVENT.crashed, message });
  self.close();
}

/** Requests cancelled before they started, per connection. @type {WeakMap<object, Set<number>>} */
const skipped = new WeakMap();
/** @type {Int32Array | null} shared with the page, which writes SIGINT (2) into it to cancel */
let interrupt = null;

/** Clear a cancel request left in the interrupt buffer, before a job starts. */
export function clearInterrupt() {
  if (interrupt) interrupt[0] = 0;
}

/**
 * @typedef {object} Handlers
 * @property {(request: any, reply: (message: any, transfer?: Transferable[]) => void) => Promise<void>} job
 *   run one job and answer it through `reply`
 * @property {(buffer: Int32Array) => void} interruptBuffer hand the page's interrupt buffer to Python
 */

// Control messages act at once; jobs from every connection run one at a time, in arrival order.
let queue = Promise.resolve();

/** @param {MessagePort | Worker} port @param {Handlers} handlers */
function connect(port, handlers) {
  ports.add(port);
  runtime.connections++;
  for (const message of startup) port.postMessage(message);
  port.onmessage = (/** @type {MessageEvent} */ event) => {
    const request = event.data;
    if (underway) {
      crash(`a ${underway.type === JOB.lab ? "lab" : "run"} was stopped before it answered`);
    } else if (request.type === CONTROL.probe) {
      // sent after each "started": arriving here, it finds the run over (see `underway`)
    } else if (request.type === CONTROL.status) {
      port.postMessage({ type: EVENT.status, runtime });
    } else if (request.type === CONTROL.interruptBuffer) {
      interrupt = request.buffer; // an Int32Array over the page's SharedArrayBuffer
      handlers.interruptBuffer(request.buffer);
    } else if (request.type === CONTROL.cancel) {
      if (!skipped.has(port)) skipped.set(port, new Set());
      skipped.get(port)?.add(request.id);
    } else {
      queue = queue.then(() => {
        if (skipped.get(port)?.delete(request.id)) return;
        return handlers.job(request, (message, transfer = []) =>
          port.postMessage(message, transfer),
        );
      });
    }
  };
}

/** Answer the page (a dedicated worker) or each demo that connects (a shared worker). @param {Handlers} handlers */
export function listen(handlers) {
  if (runtime.shared) {
    /** @type {any} */ (self).onconnect = (/** @type {MessageEvent} */ event) =>
      connect(event.ports[0], handlers);
  } else {
    connect(/** @type {any} */ (self), handlers);
  }
}
