// @ts-check
// Saves a Blob as a file the user downloads; pictures as PNG.

/** @param {Blob} blob @param {string} filename */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** @param {HTMLCanvasElement} canvas @returns {Promise<Blob>} */
export const canvasPng = (canvas) =>
  new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("PNG encoding failed"))),
      "image/png",
    ),
  );

/** `image` drawn on a canvas of its size. @param {ImageData} image */
export function canvasOf(image) {
  const canvas = Object.assign(document.createElement("canvas"), {
    width: image.width,
    height: image.height,
  });
  /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d")).putImageData(image, 0, 0);
  return canvas;
}

/**
 * The name a pipeline's Dask script is downloaded as, alone or in a batch's zip: the name its
 * usage line says (ndlab.dask_export.script_name).
 * @param {{name: string}[]} steps
 */
export const daskScriptName = (steps) => `ndlab-${steps.map((s) => s.name).join("-")}-dask.py`;
