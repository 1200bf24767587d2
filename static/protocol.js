// @ts-check
// The worker protocol, declared once: the worker (worker/worker.js), its client (client.js) and
// through it every page and embed import these names, the error envelope and the hints. Python
// answers each job in ndlab.bridge.jobs, one function per job of the same name.
//
// Per connection (the page's dedicated worker, or each embed's port on the shared worker):
//   page -> worker, jobs: {id, type, ...} answered by {id, ok: true, meta, image?, bytes?, values?}
//                         or {id, ok: false, error: ErrorInfo}; buffers are transferred
//     load        {image: Pixels}                          -> meta {input, shape, dtype}
//     read_array  {bytes, filename, variable}              -> meta {input, variables, ...}, image
//     pipeline    {input, steps: [{name, params}], values} -> meta (ndlab.bridge.jobs.pipeline),
//                                                             image, values (Float32Array) or none
//     npy         {input, steps}                           -> bytes (.npy of the last array)
//     dask_script {steps}                                  -> meta {script, notes}
//     release     {input}                                  -> meta {}
//     lab         {name, params}                           -> meta (see ndlab.bridge.jobs.lab)
//     code        {input: id | null, code, data}           -> meta (see ndlab.bridge.jobs.code),
//                                                             image, values, bytes (.npy), figures
//                                                             (PNG buffers); packages the code
//                                                             imports (matplotlib) load first
//   page -> worker, control (act at once, never queued):
//     status -> {type: "status", runtime}; probe (sent after each "started": if that job never
//     answered, the worker reports "crashed"); cancel {id} (skip a job not started);
//     interrupt-buffer {buffer} (an Int32Array the page writes SIGINT into)
//   worker -> page, events: progress {stage, loaded, total}; ready {timings, runtime};
//     failed {error}; started {id}; job-progress {id, fraction, message}; crashed {message};
//     status {runtime}

// @ts-ignore: the build writes it from ndlab.bridge.errors.HINTS, the one copy of the hints
import hints from "../hints.js";

/** Jobs, run one at a time in arrival order. */
export const JOB = Object.freeze({
  load: "load",
  readArray: "read_array",
  pipeline: "pipeline",
  npy: "npy",
  daskScript: "dask_script",
  release: "release",
  lab: "lab",
  code: "code",
});

/** Control messages, handled as they arrive. */
export const CONTROL = Object.freeze({
  status: "status",
  probe: "probe",
  cancel: "cancel",
  interruptBuffer: "interrupt-buffer",
});

/** Events the worker sends. */
export const EVENT = Object.freeze({
  progress: "progress",
  ready: "ready",
  failed: "failed",
  started: "started",
  jobProgress: "job-progress",
  crashed: "crashed",
  status: "status",
});

/**
 * What the user is told to do, by situation: ndlab.bridge.errors.HINTS, as the build wrote it.
 * @type {Readonly<Record<string, string>>}
 */
export const HINTS = Object.freeze(hints);

/**
 * @typedef {{type: string, message: string, hint: string, fit?: number, about?: string}} ErrorInfo
 *   `about`: "parameters" when a lab's parameter is invalid, not its data
 */
/** @typedef {{buffer: ArrayBuffer, width: number, height: number}} Pixels RGBA bytes */

/**
 * The error envelope every failure travels in.
 * @param {string} type @param {string} message @param {string} hint
 * @returns {ErrorInfo}
 */
export const errorInfo = (type, message, hint) => ({ type, message, hint });

/** A cancellation: the user asked for it, nothing is lost. @param {string} message */
export const cancelled = (message) => errorInfo("AbortError", message, HINTS.kept);
