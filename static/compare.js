// @ts-check
// Compare the original and the result: side by side, a draggable before/after split, or the
// difference; zoom with both views kept aligned; a pixel inspector under the cursor.
import { format } from "./views/common.js";
import { parts } from "./views/parts.js";
import { enlarged, show } from "./viewer.js";

/** @param {{width: number, height: number}} a @param {{width: number, height: number}} b */
const sameSize = (a, b) => a.width === b.width && a.height === b.height;

/** Before/after split: the result left of `fraction` of the width, the original right of it. */
function split(original, result, fraction) {
  const out = new ImageData(new Uint8ClampedArray(result.data), result.width, result.height);
  const cut = Math.round(fraction * result.width);
  for (let row = 0; row < result.height; row++) {
    const start = (row * result.width + cut) * 4;
    const end = (row + 1) * result.width * 4;
    out.data.set(original.data.subarray(start, end), start);
  }
  return out;
}

/** Absolute difference per channel, opaque. */
function difference(original, result) {
  const out = new ImageData(result.width, result.height);
  for (let i = 0; i < out.data.length; i += 4) {
    for (let c = 0; c < 3; c++)
      out.data[i + c] = Math.abs(original.data[i + c] - result.data[i + c]);
    out.data[i + 3] = 255;
  }
  return out;
}

export class Compare {
  /**
   * @param {HTMLElement} root the image view's root (`data-view`), holding the parts compared
   *   (original, result, views) and the bar's (mode, split, zoom, inspector)
   */
  constructor(root) {
    /** @type {{original: HTMLCanvasElement, result: HTMLCanvasElement, mode: HTMLSelectElement,
     *   split: HTMLInputElement, zoom: HTMLSelectElement, inspector: HTMLElement, views: HTMLElement}} */
    const el = /** @type {any} */ (parts(root, "original result mode split zoom inspector views"));
    this.el = el;
    /** @type {ImageData | null} */ this.original = null;
    /** @type {ImageData | null} */ this.result = null;
    /** @type {{values: Float32Array, shape: number[]} | null} the result's own values, when an image */
    this.values = null;
    /** @type {{width: number, height: number} | null} when the result is a draft: the size of the result it stands for */
    this.full = null;
    /** @type {ImageData | null} the original the left canvas shows */
    this.shown = null;
    el.mode.addEventListener("change", () => this.render());
    el.split.addEventListener("input", () => this.render());
    el.zoom.addEventListener("change", () => this.applyZoom());
    const panes = [el.original.parentElement, el.result.parentElement];
    panes.forEach((pane, i) =>
      pane?.addEventListener("scroll", () => {
        const other = panes[1 - i];
        if (
          other &&
          pane &&
          (other.scrollLeft !== pane.scrollLeft || other.scrollTop !== pane.scrollTop)
        ) {
          other.scrollLeft = pane.scrollLeft;
          other.scrollTop = pane.scrollTop;
        }
      }),
    );
    // A mouse reads the pixel under it in the bar above the images; a finger or a pen, which
    // hide the point they touch, reads it beside that point, until the page scrolls.
    for (const canvas of [el.original, el.result]) {
      canvas.addEventListener(
        "pointermove",
        (e) => e.pointerType === "mouse" && this.inspect(canvas, e),
      );
      canvas.addEventListener(
        "pointerdown",
        (e) => e.pointerType !== "mouse" && this.inspect(canvas, e, true),
      );
      canvas.addEventListener(
        "pointerleave",
        (e) => e.pointerType === "mouse" && (el.inspector.textContent = ""),
      );
    }
    addEventListener(
      "scroll",
      () => el.inspector.classList.contains("beside") && this.placeReadout(null),
      { passive: true },
    );
  }

  /**
   * @param {ImageData | null} original @param {ImageData | null} result
   * @param {{values: Float32Array, shape: number[]} | null} values the result's values, read under the cursor
   * @param {{width: number, height: number} | null} full when `result` is a slider preview's draft:
   *   the size of the result it stands for
   */
  set(original, result, values = null, full = null) {
    this.original = original;
    this.result = result;
    this.values = values;
    this.full = full;
    this.render();
  }

  render() {
    const { original, full, el } = this;
    let { result } = this;
    if (original && original !== this.shown) show(el.original, original);
    this.shown = original;
    const comparable = Boolean(original && result && sameSize(original, full ?? result));
    // a draft is enlarged to be split or subtracted; side by side, the page's styles enlarge it
    if (full && comparable && el.mode.value !== "side")
      result = enlarged(/** @type {ImageData} */ (result), full);
    el.mode
      .querySelectorAll("option")
      .forEach((o) => (o.disabled = o.value !== "side" && !comparable));
    const mode = comparable ? el.mode.value : "side";
    el.split.hidden = mode !== "split";
    el.views.dataset.mode = mode;
    if (result && original) {
      const view =
        mode === "split"
          ? split(original, result, Number(el.split.value))
          : mode === "difference"
            ? difference(original, result)
            : result;
      show(el.result, view, Boolean(full) && view === this.result);
    }
    this.applyZoom();
  }

  applyZoom() {
    const zoom = this.el.zoom.value;
    for (const canvas of [this.el.original, this.el.result]) {
      canvas.style.width = zoom === "fit" ? "" : `${canvas.width * Number(zoom)}px`;
      canvas.parentElement?.classList.toggle("zoomed", zoom !== "fit");
    }
  }

  /**
   * Read the pixel at the pointer. @param {HTMLCanvasElement} canvas @param {PointerEvent} event
   * @param {boolean} beside write the readout beside the point (a touch), else in the bar
   */
  inspect(canvas, event, beside = false) {
    const rect = canvas.getBoundingClientRect();
    const col = Math.floor(((event.clientX - rect.left) / rect.width) * canvas.width);
    const row = Math.floor(((event.clientY - rect.top) / rect.height) * canvas.height);
    const at = (/** @type {ImageData | null} */ img) => {
      if (!img || row < 0 || col < 0 || row >= img.height || col >= img.width) return "—";
      const i = (row * img.width + col) * 4;
      const [r, g, b, a] = img.data.subarray(i, i + 4);
      return r === g && g === b
        ? `${r}${a < 255 ? ` α${a}` : ""}`
        : `(${r}, ${g}, ${b}${a < 255 ? `, α${a}` : ""})`;
    };
    const result = this.full
      ? "(a draft: let go of the slider)"
      : (this.valueAt(row, col) ?? at(this.result));
    this.el.inspector.textContent = `row ${row}, col ${col}: original ${at(this.original)} → result ${result}`;
    this.placeReadout(beside ? event : null);
  }

  /** Put the readout beside the point `at` (kept on the screen), or back in its bar for null. @param {PointerEvent | null} at */
  placeReadout(at) {
    const { inspector } = this.el;
    inspector.classList.toggle("beside", Boolean(at));
    if (!at) {
      inspector.style.left = inspector.style.top = "";
      return;
    }
    const { width, height } = inspector.getBoundingClientRect();
    const gap = 16; // clear of the finger
    inspector.style.left = `${Math.max(4, Math.min(at.clientX - width / 2, innerWidth - width - 4))}px`;
    inspector.style.top = `${at.clientY - height - gap >= 4 ? at.clientY - height - gap : at.clientY + gap}px`;
  }

  /** The result's value at (row, col), as NumPy holds it, or null. @param {number} row @param {number} col */
  valueAt(row, col) {
    if (!this.values) return null;
    const [height, width, channels = 1] = this.values.shape;
    if (row < 0 || col < 0 || row >= height || col >= width) return null;
    const at = Array.from(
      this.values.values.subarray(
        (row * width + col) * channels,
        (row * width + col + 1) * channels,
      ),
      (v) => format(v),
    );
    return channels === 1 ? at[0] : `(${at.join(", ")})`;
  }
}
