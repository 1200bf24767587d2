// @ts-check
// Turns an operation's parameter spec (from the catalogue) into labelled inputs, and back.
import { writeHelp } from "./views/common.js";

/**
 * @typedef {{name: string, type: "float"|"int"|"bool"|"choice", default: any,
 *   min?: number|null, max?: number|null, step?: number|null, choices?: any[]|null, help?: string,
 *   none?: string|null}} ParamSpec `none`: the number may be left to SciPy (null), which then uses
 *   what `none` says
 */

/** @param {ParamSpec} spec @param {string} id */
function numberInputs(spec, id) {
  // a number left to SciPy by default starts, once taken back, at its lowest
  const start = String(spec.default ?? spec.min ?? 0);
  const number = Object.assign(document.createElement("input"), {
    type: "number",
    id,
    value: start,
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
    value: start,
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
 * The choice that leaves a number to SciPy (`spec.none` says what it then uses): while it is
 * ticked the number's inputs are off, and the value is null.
 * @param {ParamSpec} spec @param {string} id @param {HTMLInputElement[]} inputs the number's
 */
function noneChoice(spec, id, inputs) {
  const box = Object.assign(document.createElement("input"), {
    type: "checkbox",
    id: `${id}-none`,
    checked: spec.default === null,
  });
  const label = Object.assign(document.createElement("label"), {
    htmlFor: box.id,
    className: "none-choice",
  });
  label.append(box, ` ${spec.none}`);
  // the number box, blank while SciPy chooses, shows its number again when taken back
  const number = /** @type {HTMLInputElement} */ (inputs.find((input) => input.type === "number"));
  let kept = number.value;
  number.placeholder = "auto";
  const sync = () => {
    inputs.forEach((input) => (input.disabled = box.checked));
    if (box.checked && number.value !== "") kept = number.value;
    number.value = box.checked ? "" : kept;
  };
  box.addEventListener("input", sync);
  sync();
  return label;
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
    row.append(label, ...inputs);
    if (spec.none) row.append(noneChoice(spec, id, /** @type {HTMLInputElement[]} */ (inputs)));
    row.append(help);
    container.append(row);
    if (spec.name in values) writeValue(container, spec, values[spec.name]);
  }
}

/** @param {HTMLElement} container @param {ParamSpec} spec @param {any} value */
function writeValue(container, spec, value) {
  const input = /** @type {HTMLInputElement} */ (container.querySelector(`#param-${spec.name}`));
  const none = /** @type {HTMLInputElement | null} */ (
    container.querySelector(`#param-${spec.name}-none`)
  );
  if (none) {
    none.checked = value === null;
    none.dispatchEvent(new Event("input"));
    if (value === null) return;
  }
  if (spec.type === "bool") input.checked = Boolean(value);
  else {
    input.value = String(value);
    input.dispatchEvent(new Event("input"));
  }
}

/**
 * Read the current values, typed as the spec says (an unparsable number stays a string,
 * so Python can name it in its message; a number left to SciPy is null).
 * @param {HTMLElement} container @param {ParamSpec[]} params
 */
export function readControls(container, params) {
  /** @type {Record<string, any>} */
  const values = {};
  for (const spec of params) {
    const input = /** @type {HTMLInputElement} */ (container.querySelector(`#param-${spec.name}`));
    const none = /** @type {HTMLInputElement | null} */ (
      container.querySelector(`#param-${spec.name}-none`)
    );
    if (none?.checked) values[spec.name] = null;
    else if (spec.type === "bool") values[spec.name] = input.checked;
    else if (spec.type === "choice") values[spec.name] = input.value;
    else
      values[spec.name] =
        input.value.trim() === "" || Number.isNaN(Number(input.value))
          ? input.value
          : Number(input.value);
  }
  return values;
}
