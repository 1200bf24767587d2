// @ts-check
// Draws ImageData into the page's canvases.

/** Images smaller than this are shown with visible pixels rather than blurred when enlarged. */
const SMALL = 256;

/** @param {HTMLCanvasElement} canvas @param {ImageData} image */
export function show(canvas, image) {
  canvas.width = image.width;
  canvas.height = image.height;
  /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d")).putImageData(image, 0, 0);
  canvas.classList.toggle("pixelated", Math.max(image.width, image.height) < SMALL);
}
