// @ts-check
// The worker protocol, declared once: the worker (worker/worker.js), its client (client.js) and
// through it every page and embed import these names, the error envelope and the hints. Python
// answers each job in ndlab.bridge.jobs, one function per job of the same name.
//
// Per connection (the page's dedicated worker, or each embed's port on the shared worker):
//   page -> worker, jobs: a JobRequest with an `id`, answered by {id, ok: true, ...Reply} or
//     {id, ok: false, error: ErrorInfo}; buffers are transferred. Each job's request and reply
//     are typed below (Jobs); the code job loads the packages its code imports (matplotlib) first.
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
  // after the first job, once the worker has what it fetches after it (a restore's files for later)
  settled: "settled",
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
 * What a job sends back: its `meta` (JSON), and the buffers it has, each transferred.
 * @template M
 * @typedef {{meta: M & {error?: ErrorInfo}, image?: Pixels, values?: ArrayBuffer, bytes?: Uint8Array,
 *   figures?: ArrayBuffer[]}} Reply
 */
/** @typedef {{name: string, params: Record<string, any>}} Step a pipeline's step */
/**
 * A displayed array described: its values' histogram is null for a mask.
 * @typedef {{output: string, returns: "image" | "mask" | "labels", shape: number[], dtype: string,
 *   range: [number, number], histogram: {range: [number, number], counts: number[][]} | null}} Described
 */
/**
 * A pipeline's run described (ndlab.bridge.jobs.pipeline): `draft` k > 1 when a preview ran on a
 * copy k times smaller, `display_shape` then the full result's [rows, columns] and `code` null.
 * @typedef {Described & {name: string, params: object, info: any, infos: any[], code: string | null,
 *   timings: {compute_ms: number, convert_ms: number, python_ms: number,
 *     steps: {name: string, reused: boolean, compute_ms: number}[]},
 *   draft: number, display_shape?: [number, number], memory_mb?: number}} PipelineMeta
 */
/** @typedef {{type: string, message: string, line: number | null, traceback: string}} CodeError a learner's own error */
/**
 * A lab's run (ndlab.bridge.jobs.lab).
 * @typedef {{name: string, params: object, outputs: {plots?: any[], heatmaps?: any[], tables?: any[],
 *   values?: object, text?: string[]}, code: string, timings: object}} LabMeta
 */
/**
 * Each job's request (without its `id`) and reply, as ndlab.bridge.jobs answers them.
 * @typedef {object} Jobs
 * @property {{request: {type: "load", image: Pixels, input: number},
 *   reply: Reply<{input: number, shape: number[], dtype: string}>}} load
 *   keep RGBA pixels as an input, under the id the page chose
 * @property {{request: {type: "read_array", bytes: Uint8Array, filename: string, variable: string},
 *   reply: Reply<{input: number | null, problem?: string, variables: string[], variable: string | null,
 *   shape: number[], dtype: string, scaled: boolean, range: [number, number] | null}>}} read_array
 *   keep a .npy, .npz or .mat file's array as an input (`input` null, with `problem`, when it
 *   cannot be one), and show it (`image`)
 * @property {{request: {type: "pipeline", input: number, steps: Step[], values: boolean,
 *   histogram: boolean, preview: boolean}, reply: Reply<PipelineMeta>}} pipeline
 *   run steps on an input (`image` its display, `values` its values when asked)
 * @property {{request: {type: "npy", input: number, steps: Step[]}, reply: Reply<{}>}} npy
 *   the last array as .npy `bytes`
 * @property {{request: {type: "dask_script", steps: Step[]},
 *   reply: Reply<{script: string, notes: string[]}>}} dask_script
 * @property {{request: {type: "release", input: number}, reply: Reply<{}>}} release
 * @property {{request: {type: "lab", name: string, params: Record<string, any>},
 *   reply: Reply<LabMeta>}} lab
 * @property {{request: {type: "code", input: number | null, code: string, data: any},
 *   reply: Reply<{stdout: string, stderr: string, result: Described | {repr: string} | null,
 *   user_error: CodeError | null}>}} code
 *   run a learner's code (`image`, `values`, `bytes`: the display, values and .npy of its result;
 *   `figures`: its matplotlib figures as PNG)
 */
/** @typedef {Jobs[keyof Jobs]["request"]} JobRequest */

/**
 * The error envelope every failure travels in.
 * @param {string} type @param {string} message @param {string} hint
 * @returns {ErrorInfo}
 */
export const errorInfo = (type, message, hint) => ({ type, message, hint });

/** A cancellation: the user asked for it, nothing is lost. @param {string} message */
export const cancelled = (message) => errorInfo("AbortError", message, HINTS.kept);
