// @ts-check
// The page's state in the URL fragment: #sample=camera&steps=[["gaussian_filter",{"sigma":3}],...]
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
    if (typeof params !== "object" || params === null || Array.isArray(params)) {
      return { sample, steps: null, error: `Step ${i + 1} (${name}) has parameters that are not an object.` };
    }
    const known = new Set(op.params.map((/** @type {any} */ p) => p.name));
    for (const [key, value] of Object.entries(params)) {
      if (!known.has(key)) return { sample, steps: null, error: `Step ${i + 1} (${name}) has no parameter “${key}”.` };
      if (!["number", "boolean", "string"].includes(typeof value)) {
        return { sample, steps: null, error: `Step ${i + 1} (${name}): ${key} must be a number, true/false or a word.` };
      }
    }
    steps.push({ name, params });
  }
  return { sample, steps, error: null };
}
