// @ts-check
// The embed host protocol, declared once: the messages between a host page (embed.js, or the
// host's own script) and a demo (embed-view.js, in an iframe), sent with postMessage. Every
// message is an object with `ndlab: "embed"`. embed-view.js imports this module; embed.js, a
// classic script that host pages load from another origin, takes its types (tsc checks its
// messages against them). The manual's table of these messages (docs/embedding.md) is written
// from the declarations below by `python3 build.py docs`.

/** The tag of every message: `{ndlab: "embed", …}`. */
export const TAG = "embed";

/**
 * What a host page may ask, `{ndlab: "embed", id, type, params?}`, and what the demo answers.
 * @type {Readonly<Record<RequestType, string>>}
 */
export const REQUESTS = Object.freeze({
  get:
    "the current result: `{kind, name, params, …}`; for an operation also `sample`, `width`, " +
    "`height`, `mean` (grey level) and `timings`, for a lab `values` and `text`",
  set: "the result computed with `params` (an object of parameter values; the controls move too)",
  run: "the result of running again",
  status: "`{runtime: {id, shared, connections}, state}`: demos sharing one Python report one id",
});

/** @type {Readonly<Record<RequestType, readonly string[]>>} the fields a request may have beyond ndlab, id and type */
export const REQUEST_FIELDS = Object.freeze({ get: [], set: ["params"], run: [], status: [] });

/**
 * What a demo sends its host: unasked (`height`, `state`) or in answer to a request (`reply`).
 * @type {Readonly<Record<DemoNotice["type"], string>>}
 */
export const NOTICES = Object.freeze({
  height: "`{height}`: the demo's height in pixels, whenever it changes (the frame fits it)",
  state: "`{state, message}`: the demo's state changed (`message`: what went wrong, for error)",
  reply:
    "`{id, ok: true, value}` or `{id, ok: false, error}`: the answer to the request `id` " +
    "(`error` a message that says what was wrong)",
});

/**
 * A demo's states, as `state` notices and its element's `data-ndlab-state` give them.
 * @type {Readonly<Record<DemoState, string>>}
 */
export const STATES = Object.freeze({
  loading: "Python or the demo is starting, or a run is on its way",
  ready: "a result is shown, and `get` answers it",
  error: "the demo cannot run, or a run was refused; `message` says why",
});

/**
 * @typedef {"get" | "set" | "run" | "status"} RequestType
 * @typedef {"loading" | "ready" | "error"} DemoState
 * @typedef {{type: "get" | "run" | "status"} | {type: "set", params: Record<string, any>}} Ask
 *   what a host asks (the argument of embed.js's ndlabEmbed.request)
 * @typedef {Ask & {ndlab: "embed", id: number}} HostRequest
 * @typedef {{ndlab: "embed", type: "height", height: number}
 *   | {ndlab: "embed", type: "state", state: DemoState, message: string}
 *   | {ndlab: "embed", type: "reply", id: number, ok: true, value: any}
 *   | {ndlab: "embed", type: "reply", id: number, ok: false, error: string}} DemoNotice
 */

/**
 * Why a message tagged for ndlab is not a request, or "" when it is one.
 * @param {any} m
 */
export function requestError(m) {
  if (!Number.isSafeInteger(m.id) || m.id < 0) return "“id” must be a non-negative integer.";
  const types = Object.keys(REQUESTS);
  if (!types.includes(m.type)) return `“type” must be one of ${types.join(", ")}.`;
  const allowed = ["ndlab", "id", "type", ...REQUEST_FIELDS[/** @type {RequestType} */ (m.type)]];
  const extra = Object.keys(m).filter((k) => !allowed.includes(k));
  if (extra.length) return `Unexpected field “${extra[0]}” in a “${m.type}” request.`;
  if (
    m.type === "set" &&
    (typeof m.params !== "object" || m.params === null || Array.isArray(m.params))
  )
    return "“params” must be an object.";
  return "";
}
