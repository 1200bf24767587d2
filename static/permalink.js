// @ts-check
// The page's state in the URL fragment:
//   images: #sample=camera&steps=[["gaussian_filter",{"sigma":3}],...]
//   labs:   #lab=camelback&params={"x0":0.5,"y0":0.5}
// Everything read from a URL is checked here before it is used; nothing in it is ever run as code.

/** @typedef {{name: string, params: Record<string, number | boolean | string>}} Step */

const MAX_STEPS = 20;

/** @param {{sample: string | null, steps: Step[]}} state */
export function encode({ sample, steps }) {
  const query = new URLSearchParams();
  if (sample) query.set("sample", sample);
  query.set("steps", JSON.stringify(steps.map((s) => [s.name, s.params])));
  return `#${query}`;
}

/**
 * @param {string} hash location.hash
 * @param {any[]} ops the catalogue's operations
 * @returns {{sample: string | null, steps: Step[] | null, error: string | null}}
 */
export function decode(hash, ops) {
  const query = new URLSearchParams(hash.replace(/^#/, ""));
  const sample = query.get("sample");
  const raw = query.get("steps");
  if (raw === null) return { sample, steps: null, error: null };
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { sample, steps: null, error: "The link's list of steps is not valid JSON." };
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > MAX_STEPS) {
    return { sample, steps: null, error: `The link must list 1 to ${MAX_STEPS} steps.` };
  }
  const steps = [];
  for (const [i, item] of parsed.entries()) {
    const [name, params = {}] = Array.isArray(item) ? item : [];
    const op = ops.find((o) => o.name === name);
    if (!op) return { sample, steps: null, error: `Step ${i + 1} of the link names an unknown operation: ${JSON.stringify(name)}.` };
    const error = checkParams(op, params, `Step ${i + 1} (${name})`);
    if (error) return { sample, steps: null, error };
    steps.push({ name, params });
  }
  return { sample, steps, error: null };
}

/** @param {string} name @param {Record<string, any>} params */
export function encodeLab(name, params) {
  return `#${new URLSearchParams({ lab: name, params: JSON.stringify(params) })}`;
}

/**
 * @param {string} hash location.hash
 * @param {any[]} labs the labs catalogue
 * @returns {{lab: string | null, params: Record<string, any>, error: string | null} | null} null if
 *   the fragment is not about labs
 */
export function decodeLab(hash, labs) {
  const query = new URLSearchParams(hash.replace(/^#/, ""));
  if (!query.has("lab")) return null;
  const name = query.get("lab");
  if (!name) return { lab: null, params: {}, error: null };
  const lab = labs.find((l) => l.name === name);
  if (!lab) return { lab: null, params: {}, error: `The link names an unknown lab: ${JSON.stringify(name)}.` };
  let params;
  try {
    params = JSON.parse(query.get("params") ?? "{}");
  } catch {
    return { lab: name, params: {}, error: "The link's lab parameters are not valid JSON." };
  }
  const error = checkParams(lab, params, `The lab ${name}`);
  return error ? { lab: name, params: {}, error } : { lab: name, params, error: null };
}

/**
 * Check parameters from a URL against an operation's or lab's spec: known names, plain values.
 * Their ranges are checked by Python, which names the parameter in its message.
 * @param {{params: {name: string}[]}} spec @param {any} params @param {string} where
 */
function checkParams(spec, params, where) {
  if (typeof params !== "object" || params === null || Array.isArray(params)) return `${where} has parameters that are not an object.`;
  const known = new Set(spec.params.map((p) => p.name));
  for (const [key, value] of Object.entries(params)) {
    if (!known.has(key)) return `${where} has no parameter “${key}”.`;
    if (!["number", "boolean", "string"].includes(typeof value)) return `${where}: ${key} must be a number, true/false or a word.`;
  }
  return null;
}
