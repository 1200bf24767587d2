// @ts-check
// Turns an operation's parameter spec (from the catalogue) into labelled inputs, and back.
import { writeHelp } from "./views/common.js";

/**
 * @typedef {{name: string, type: "float"|"int"|"bool"|"choice", default: any,
 *   min?: number|null, max?: number|null, step?: number|null, choices?: any[]|null, help?: string}} ParamSpec
 */

/** @param {ParamSpec} spec @param {string} id */
function numberInputs(spec, id) {
  const number = Object.assign(document.createElement("input"), {
    type: "number",
    id,
    value: String(spec.default),
  });
  number.step = String(spec.step ?? (spec.type === "int" ? 1 : "any"));
  if (spec.min != null) number.min = String(spec.min);
  if (spec.max != null) number.max = String(spec.max);
  if (spec.min == null || spec.max == null) return [number];
  // A slider beside the number box; the number box may hold any value, so a bad one reaches
  // Python and comes back as a clear message.
  const range = Object.assign(document.createElement("input"), {
    type: "range",
    min: String(spec.min),
    max: String(spec.max),
    step: number.step,
    value: String(spec.default),
  });
  range.setAttribute("aria-label", `${spec.name} slider`);
  // The slider's own input event reaches the page (which then knows a drag is going on).
  range.addEventListener("input", () => {
    number.value = range.value;
  });
  number.addEventListener("input", () => {
    range.value = number.value;
  });
  return [range, number];
}

/** @param {ParamSpec} spec @param {string} id */
function inputFor(spec, id) {
  if (spec.type === "bool") {
    return [
      Object.assign(document.createElement("input"), {
        type: "checkbox",
        id,
        checked: Boolean(spec.default),
      }),
    ];
  }
  if (spec.type === "choice") {
    const select = Object.assign(document.createElement("select"), { id });
    for (const choice of spec.choices ?? [])
      select.add(new Option(String(choice), String(choice), false, choice === spec.default));
    return [select];
  }
  return numberInputs(spec, id);
}

/**
 * Draw the controls of `params` into `container`.
 * @param {HTMLElement} container @param {ParamSpec[]} params @param {Record<string, any>} values
 */
export function renderControls(container, params, values = {}) {
  container.replaceChildren();
  for (const spec of params) {
    const id = `param-${spec.name}`;
    const row = document.createElement("div");
    row.className = "control";
    const label = Object.assign(document.createElement("label"), {
      htmlFor: id,
      textContent: spec.name,
    });
    const inputs = inputFor(spec, id);
    const help = Object.assign(document.createElement("small"), { id: `${id}-help` });
    writeHelp(help, spec.help ?? "");
    inputs.forEach((input) => input.setAttribute("aria-describedby", help.id));
    row.append(label, ...inputs, help);
    container.append(row);
    if (spec.name in values) writeValue(container, spec, values[spec.name]);
  }
}

/** @param {HTMLElement} container @param {ParamSpec} spec @param {any} value */
function writeValue(container, spec, value) {
  const input = /** @type {HTMLInputElement} */ (container.querySelector(`#param-${spec.name}`));
  if (spec.type === "bool") input.checked = Boolean(value);
  else {
    input.value = String(value);
    input.dispatchEvent(new Event("input"));
  }
}

/**
 * Read the current values, typed as the spec says (an unparsable number stays a string,
 * so Python can name it in its message).
 * @param {HTMLElement} container @param {ParamSpec[]} params
 */
export function readControls(container, params) {
  /** @type {Record<string, any>} */
  const values = {};
  for (const spec of params) {
    const input = /** @type {HTMLInputElement} */ (container.querySelector(`#param-${spec.name}`));
    if (spec.type === "bool") values[spec.name] = input.checked;
    else if (spec.type === "choice") values[spec.name] = input.value;
    else
      values[spec.name] =
        input.value.trim() === "" || Number.isNaN(Number(input.value))
          ? input.value
          : Number(input.value);
  }
  return values;
}
