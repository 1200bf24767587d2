// @ts-check
// The page's state in the URL fragment:
//   images:  #sample=camera&steps=[["gaussian_filter",{"sigma":3}],...]&code=... (the learner's
//            code, when the editor is open)
//   labs:    #lab=camelback&params={"x0":0.5,"y0":0.5}&data=... (the learner's table as text, when
//            it is at most MAX_LAB_DATA characters)
//   lessons: #lesson={"title":…,"steps":[…]}&at=2, followed by the view shown (one of the above)
// Everything read from a URL or a lesson file is checked here before it is used; nothing in it is
// ever run by itself: code it carries is shown in the editor, and runs when the person presses Run.
// A table it carries is only numbers, which Python checks: the lab runs on it.

/** @typedef {{name: string, params: Record<string, number | boolean | string>}} Step */

const MAX_STEPS = 20;
/** The longest code a link or a lesson step may carry, in characters. */
export const MAX_CODE = 20_000;
/**
 * The longest table a lab's link or a lesson's lab step may carry, in characters of its text: a
 * link then stays under about 6 000 characters (each character of a table of numbers is written
 * in one to three), far below what browsers accept, and the fragment never reaches a server.
 */
export const MAX_LAB_DATA = 2_000;

/** @param {{sample: string | null, steps: Step[], code?: string | null}} state */
export function encode({ sample, steps, code = null }) {
  const query = new URLSearchParams();
  if (sample) query.set("sample", sample);
  query.set("steps", JSON.stringify(steps.map((s) => [s.name, s.params])));
  if (code !== null) query.set("code", code);
  return `#${query}`;
}

/**
 * @param {string} hash location.hash
 * @param {any[]} ops the catalogue's operations
 * @returns {{sample: string | null, steps: Step[] | null, code: string | null, error: string | null}}
 *   `code`: the learner's code the link carries (to show, never to run by itself)
 */
export function decode(hash, ops) {
  const query = new URLSearchParams(hash.replace(/^#/, ""));
  const sample = query.get("sample");
  const raw = query.get("steps");
  const code = query.get("code");
  const codeError = checkText(code ?? undefined, "The link's code", MAX_CODE);
  if (codeError) return { sample, steps: null, code: null, error: codeError };
  if (raw === null) return { sample, steps: null, code, error: null };
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { sample, steps: null, code, error: "The link's list of steps is not valid JSON." };
  }
  return { sample, code, ...checkSteps(parsed, ops, "the link") };
}

/**
 * Check a pipeline as the URL holds it: [[name, params], ...].
 * @param {any} parsed @param {any[]} ops @param {string} where what holds it, as in "the link"
 * @returns {{steps: Step[], error: null} | {steps: null, error: string}}
 */
function checkSteps(parsed, ops, where) {
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > MAX_STEPS) {
    return { steps: null, error: `${capitalise(where)} must list 1 to ${MAX_STEPS} steps.` };
  }
  const steps = [];
  for (const [i, item] of parsed.entries()) {
    const [name, params = {}] = Array.isArray(item) ? item : [];
    const op = ops.find((o) => o.name === name);
    if (!op)
      return {
        steps: null,
        error: `Step ${i + 1} of ${where} names an unknown operation: ${quoted(name)}.`,
      };
    const error = checkParams(op, params, `Step ${i + 1} (${name}) of ${where}`);
    if (error) return { steps: null, error };
    steps.push({ name, params });
  }
  return { steps, error: null };
}

/**
 * @param {string} name @param {Record<string, any>} params
 * @param {string | null} data the learner's table as text: left out when longer than MAX_LAB_DATA
 */
export function encodeLab(name, params, data = null) {
  const query = new URLSearchParams({ lab: name, params: JSON.stringify(params) });
  if (data !== null && data.length <= MAX_LAB_DATA) query.set("data", data);
  return `#${query}`;
}

/**
 * @param {string} hash location.hash
 * @param {any[]} labs the labs catalogue
 * @returns {{lab: string | null, params: Record<string, any>, data: string | null, error: string | null,
 *   dataError: string | null} | null} null if the fragment is not about labs; `data` is the table the
 *   link carries, `dataError` why it was left out (the lab then runs on its own data)
 */
export function decodeLab(hash, labs) {
  const query = new URLSearchParams(hash.replace(/^#/, ""));
  if (!query.has("lab")) return null;
  const name = query.get("lab");
  const none = { lab: null, params: {}, data: null, error: null, dataError: null };
  if (!name) return none;
  const lab = labs.find((l) => l.name === name);
  if (!lab) return { ...none, error: `The link names an unknown lab: ${quoted(name)}.` };
  let params;
  try {
    params = JSON.parse(query.get("params") ?? "{}");
  } catch {
    return { ...none, lab: name, error: "The link's lab parameters are not valid JSON." };
  }
  const error = checkParams(lab, params, `The lab ${name}`);
  if (error) return { ...none, lab: name, error };
  const data = query.get("data");
  const dataError = checkLabData(lab, data ?? undefined, "The link's table");
  return { ...none, lab: name, params, data: dataError ? null : data, dataError };
}

/** Characters no table holds: controls other than tab and line breaks, and U+FFFD (bytes that were not text). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: it finds the control characters
const NOT_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/;

/**
 * Check a table from a link or a lesson: text, at most MAX_LAB_DATA characters, for a lab that takes
 * a table. Its numbers are checked by Python, which names the line and column of anything wrong.
 * @param {{name: string, data: any}} lab @param {unknown} value @param {string} what
 */
function checkLabData(lab, value, what) {
  if (value === undefined) return null;
  if (!lab.data || lab.data.kind === "image")
    return `${what} was left out: the lab ${lab.name} takes no table.`;
  const error = checkText(value, what, MAX_LAB_DATA);
  if (error) return error;
  const found = NOT_TEXT.exec(/** @type {string} */ (value));
  if (!found) return null;
  const code = found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
  return `${what} is not a table as text: character ${found.index + 1} is U+${code}.`;
}

/**
 * Check parameters from a URL against an operation's or lab's spec: known names, plain values
 * (null for a number left to SciPy, whose spec says `none`). Their ranges are checked by Python,
 * which names the parameter in its message.
 * @param {{params: {name: string, none?: string | null}[]}} spec @param {any} params @param {string} where
 */
function checkParams(spec, params, where) {
  if (typeof params !== "object" || params === null || Array.isArray(params))
    return `${where} has parameters that are not an object.`;
  const known = new Map(spec.params.map((p) => [p.name, p]));
  for (const [key, value] of Object.entries(params)) {
    const param = known.get(key);
    if (!param) return `${where} has no parameter ${quoted(key)}.`;
    if (value === null && param.none) continue;
    if (!["number", "boolean", "string"].includes(typeof value))
      return `${where}: ${key} must be a number, true/false or a word.`;
  }
  return null;
}

/** Origins look like https://host[:port]; an embed accepts messages only from those listed. */
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;

/**
 * The embed view's fragment: `#op=NAME&sample=S&PARAM=VALUE...`, `#lab=NAME&PARAM=VALUE...` or `#demo=NAME…`,
 * where parameters may also come as one JSON object, `params={...}`; `origins=a,b` lists the
 * origins allowed to drive the embed with postMessage.
 * @param {string} hash @param {any[]} ops @param {any[]} labs
 * A pipeline is `steps=[[name, params], ...]` as in the page's links; its last step is the
 * operation whose parameters a host sets.
 * @returns {{kind: "op" | "lab", spec: any, sample: string | null, params: Record<string, any>, origins: string[], error: string | null, steps?: Step[]}}
 */
export function decodeEmbed(hash, ops, labs) {
  const query = new URLSearchParams(hash.replace(/^#/, ""));
  const origins = (query.get("origins") ?? "").split(",").filter((o) => ORIGIN.test(o));
  if (query.has("steps")) {
    const { steps, error } = decode(hash, ops);
    const fallback = {
      kind: /** @type {"op"} */ ("op"),
      spec: ops[0],
      sample: query.get("sample"),
      params: {},
      origins,
    };
    if (!steps) return { ...fallback, error };
    const last = steps[steps.length - 1];
    return {
      ...fallback,
      spec: ops.find((o) => o.name === last.name),
      params: last.params,
      steps,
      error: null,
    };
  }
  // `demo=NAME` (what embed.js writes) may name either; the names do not overlap.
  const name = query.get("op") ?? query.get("lab") ?? query.get("demo") ?? "";
  /** @type {"op" | "lab"} */
  const kind =
    query.has("lab") || (!query.has("op") && labs.some((l) => l.name === name)) ? "lab" : "op";
  const spec = (kind === "lab" ? labs : ops).find((s) => s.name === name);
  const fallback = {
    kind,
    spec: kind === "lab" ? labs[0] : ops[0],
    sample: query.get("sample"),
    params: {},
    origins,
  };
  if (!spec) {
    const what = kind === "lab" ? "lab" : "operation";
    return {
      ...fallback,
      error: name
        ? `The demo names an unknown ${what}: ${JSON.stringify(name)}.`
        : `The demo names no ${what}.`,
    };
  }
  /** @type {Record<string, any>} */
  let params = {};
  try {
    params = JSON.parse(query.get("params") ?? "{}");
  } catch {
    return { ...fallback, spec, error: "The demo's parameters are not valid JSON." };
  }
  if (typeof params === "object" && params !== null && !Array.isArray(params)) {
    for (const p of spec.params)
      if (query.has(p.name))
        params[p.name] = fromText(p, /** @type {string} */ (query.get(p.name)));
  }
  const error = checkParams(spec, params, `The demo ${name}`);
  return error
    ? { ...fallback, spec, error }
    : { kind, spec, sample: query.get("sample"), params, origins, error: null };
}

/**
 * A parameter written in a URL as text, typed as its spec says ("null" leaves a number to SciPy).
 * @param {{type: string, none?: string | null}} spec @param {string} text
 */
function fromText(spec, text) {
  if (spec.none && text === "null") return null;
  if (spec.type === "bool") return text === "true" || text === "1";
  if (spec.type === "choice") return text;
  return text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
}

export { checkParams };

/** A value from outside, shortened for a message. @param {unknown} value */
function quoted(value) {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

const capitalise = (/** @type {string} */ text) => text[0].toUpperCase() + text.slice(1);
const isObject = (/** @type {unknown} */ value) =>
  typeof value === "object" && value !== null && !Array.isArray(value);

// --- lessons -------------------------------------------------------------------------------

/**
 * A lesson step shows an image pipeline (exactly what an image link holds) or a lab.
 * @typedef {{title: string, text: string, sample: string, steps: [string, Record<string, any>][], code?: string}} ImageStep
 * @typedef {{title: string, text: string, lab: string, params: Record<string, any>, data?: string}} LabStep
 * @typedef {ImageStep | LabStep} LessonStep
 * @typedef {{title: string, steps: LessonStep[]}} Lesson
 * @typedef {{ops: any[], labs: any[], samples: {name: string}[]}} Catalogues
 */

/** How big a lesson may be: steps, characters of a title and of a step's text, of its JSON. */
export const LESSON_LIMITS = { steps: 50, title: 120, text: 1000, json: 200_000 };

/**
 * A lesson from its JSON (a link's or a file's), checked against the catalogues.
 * @param {string} json @param {Catalogues} catalogues
 * @returns {{lesson: Lesson, error: null} | {lesson: null, error: string}}
 */
export function parseLesson(json, catalogues) {
  const fail = (/** @type {string} */ error) => ({ lesson: null, error });
  if (json.length > LESSON_LIMITS.json)
    return fail(
      `The lesson is too long: ${json.length} characters, at most ${LESSON_LIMITS.json}.`,
    );
  let parsed;
  try {
    parsed = JSON.parse(json);
  } catch {
    return fail("The lesson is not valid JSON.");
  }
  if (!isObject(parsed))
    return fail("The lesson must be a JSON object with a title and a list of steps.");
  const error =
    unknownField(parsed, ["title", "steps"], "the lesson") ??
    checkText(parsed.title, "The lesson's title", LESSON_LIMITS.title);
  if (error) return fail(error);
  const count = Array.isArray(parsed.steps) ? parsed.steps.length : 0;
  if (count === 0 || count > LESSON_LIMITS.steps) {
    return fail(
      `The lesson must have 1 to ${LESSON_LIMITS.steps} steps${count ? `, not ${count}` : ""}.`,
    );
  }
  const steps = [];
  for (const [i, raw] of parsed.steps.entries()) {
    const step = checkLessonStep(raw, `step ${i + 1} of the lesson`, catalogues);
    if (typeof step === "string") return fail(step);
    steps.push(step);
  }
  return { lesson: { title: parsed.title ?? "", steps }, error: null };
}

/**
 * @param {any} raw @param {string} where @param {Catalogues} catalogues
 * @returns {LessonStep | string} the step, or what is wrong with it
 */
function checkLessonStep(raw, where, { ops, labs, samples }) {
  if (!isObject(raw)) return `${capitalise(where)} is not an object.`;
  const text =
    checkText(raw.title, `The title of ${where}`, LESSON_LIMITS.title) ??
    checkText(raw.text, `The text of ${where}`, LESSON_LIMITS.text);
  if (text) return text;
  const words = { title: raw.title ?? "", text: raw.text ?? "" };
  if ("lab" in raw) {
    const lab = labs.find((l) => l.name === raw.lab);
    const error =
      unknownField(raw, ["title", "text", "lab", "params", "data"], where) ??
      (lab
        ? (checkParams(lab, raw.params ?? {}, capitalise(where)) ??
          checkLabData(lab, raw.data, `The table of ${where}`))
        : `${capitalise(where)} names an unknown lab: ${quoted(raw.lab)}.`);
    const data = raw.data === undefined ? {} : { data: raw.data };
    return error ?? { ...words, lab: raw.lab, params: raw.params ?? {}, ...data };
  }
  if (!("sample" in raw || "steps" in raw))
    return `${capitalise(where)} must name a sample and its steps, or a lab.`;
  const unknown =
    unknownField(raw, ["title", "text", "sample", "steps", "code"], where) ??
    checkText(raw.code, `The code of ${where}`, MAX_CODE);
  if (unknown) return unknown;
  if (!samples.some((s) => s.name === raw.sample))
    return `${capitalise(where)} names an unknown sample image: ${quoted(raw.sample)}.`;
  const { steps, error } = checkSteps(raw.steps, ops, `the pipeline of ${where}`);
  if (error) return error;
  const code = raw.code === undefined ? {} : { code: raw.code };
  return {
    ...words,
    sample: raw.sample,
    steps: /** @type {Step[]} */ (steps).map((s) => [s.name, s.params]),
    ...code,
  };
}

/** @param {Record<string, any>} object @param {string[]} fields @param {string} where */
function unknownField(object, fields, where) {
  const extra = Object.keys(object).find((key) => !fields.includes(key));
  return extra === undefined
    ? null
    : `${capitalise(where)} has an unknown field ${quoted(extra)} (it may have ${fields.join(", ")}).`;
}

/** An optional short text. @param {unknown} value @param {string} what @param {number} max */
function checkText(value, what, max) {
  if (value === undefined) return null;
  if (typeof value !== "string") return `${what} must be text.`;
  return value.length > max
    ? `${what} is too long: ${value.length} characters, at most ${max}.`
    : null;
}

/** The view a lesson step shows, as the image or lab link would hold it. @param {LessonStep} step */
export function stepView(step) {
  if ("lab" in step) return encodeLab(step.lab, step.params, step.data ?? null);
  return encode({
    sample: step.sample,
    steps: step.steps.map(([name, params]) => ({ name, params })),
    code: step.code ?? null,
  });
}

/** The lesson part of a URL fragment, without "#". @param {Lesson} lesson @param {number} at from 0 */
export function encodeLesson(lesson, at) {
  return `${new URLSearchParams({ lesson: JSON.stringify(lesson), at: String(at + 1) })}`;
}

/**
 * @param {string} hash location.hash
 * @param {Catalogues} catalogues
 * @returns {{raw: string, lesson: Lesson | null, at: number, view: string, error: string | null} | null}
 *   null if the fragment holds no lesson; `at` counts from 0; `view` is the rest of the fragment
 *   (what is shown), with its "#"; `error` says what is wrong (with a lesson, only its step number)
 */
export function decodeLesson(hash, catalogues) {
  const query = new URLSearchParams(hash.replace(/^#/, ""));
  const raw = query.get("lesson");
  if (raw === null) return null;
  const view = viewOf(hash);
  const { lesson, error } = parseLesson(raw, catalogues);
  if (!lesson) return { raw, lesson, at: 0, view, error };
  const asked = query.get("at") ?? "1";
  const at = Number(asked);
  if (Number.isInteger(at) && at >= 1 && at <= lesson.steps.length)
    return { raw, lesson, at: at - 1, view, error: null };
  const which = /^\d{1,9}$/.test(asked) ? asked : quoted(asked);
  return {
    raw,
    lesson,
    at: 0,
    view,
    error: `The link asks for step ${which} of a lesson with ${lesson.steps.length} steps; it opened at step 1.`,
  };
}

/** A URL fragment without its lesson: the view it shows, with its "#". @param {string} hash */
export function viewOf(hash) {
  const query = new URLSearchParams(hash.replace(/^#/, ""));
  query.delete("lesson");
  query.delete("at");
  return `#${query}`;
}
