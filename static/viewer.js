// @ts-check
// Draws ImageData into the page's canvases.

/** Images smaller than this are shown with visible pixels rather than blurred when enlarged. */
const SMALL = 256;

/**
 * @param {HTMLCanvasElement} canvas @param {ImageData} image
 * @param {boolean} draft a draft of a larger result: the page's styles enlarge it smoothly
 */
export function show(canvas, image, draft = false) {
  // setting a canvas's size clears and reallocates it, even to the same size
  if (canvas.width !== image.width) canvas.width = image.width;
  if (canvas.height !== image.height) canvas.height = image.height;
  // presenter mode sizes the canvas to the room it has, keeping the image's proportions
  canvas.style.setProperty("--ratio", String(image.width / image.height));
  /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d")).putImageData(image, 0, 0);
  canvas.classList.toggle("pixelated", !draft && Math.max(image.width, image.height) < SMALL);
}

/**
 * `image` drawn at `size`, smoothly: a draft made as large as the result it stands for.
 * @param {ImageData} image @param {{width: number, height: number}} size
 */
export function enlarged(image, { width, height }) {
  const source = scratch(image.width, image.height);
  source.getContext("2d").putImageData(image, 0, 0);
  const target = scratch(width, height).getContext("2d");
  target.drawImage(source, 0, 0, width, height);
  return target.getImageData(0, 0, width, height);
}

/**
 * A canvas off the page: an OffscreenCanvas, or a detached canvas where the browser has none.
 * @param {number} width @param {number} height @returns {any}
 */
const scratch = (width, height) =>
  typeof OffscreenCanvas === "function"
    ? new OffscreenCanvas(width, height)
    : Object.assign(document.createElement("canvas"), { width, height });
