// @ts-check
// Turns files, URLs, canvases and pixel objects into ImageData, refusing what would not fit.

/** Larger images are refused (or downscaled on request) before they reach Python. */
export const MAX_PIXELS = 40_000_000;

/** A .npy, .npz or MATLAB .mat file: an array the worker reads, not an image. @param {File} file */
export const isArrayFile = (file) => /\.(npy|npz|mat)$/i.test(file.name);

/** An image that cannot be used, with a hint for the user. */
export class ImageInputError extends Error {
  /** @param {string} message @param {string} hint @param {{width: number, height: number}=} size */
  constructor(message, hint, size) {
    super(message);
    this.name = "ImageInputError";
    this.hint = hint;
    this.size = size;
  }
}

/** @param {Blob} blob @returns {Promise<HTMLImageElement>} the image, header read but not drawn */
function openImage(blob) {
  const url = URL.createObjectURL(blob);
  const img = new Image();
  return new Promise((resolve, reject) => {
    img.onload = () => resolve(img);
    img.onerror = () =>
      reject(
        new ImageInputError(
          `“${blob instanceof File ? blob.name : "This file"}” is not an image the browser can read.`,
          "Open a PNG, JPEG, WebP or GIF image, or a .npy, .npz or .mat array.",
        ),
      );
    img.src = url;
  }).finally(() => URL.revokeObjectURL(url));
}

/**
 * Pixels of a drawable source as ImageData, optionally scaled to width × height.
 * @param {CanvasImageSource} source @param {number} width @param {number} height
 */
function rasterize(source, width, height) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const ctx = /** @type {CanvasRenderingContext2D} */ (
    canvas.getContext("2d", { willReadFrequently: true })
  );
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(source, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height);
}

/**
 * Decode an image file into ImageData.
 * @param {Blob} blob
 * @param {{downscale?: boolean}} options downscale: shrink an image over MAX_PIXELS to fit
 */
export async function readImage(blob, { downscale = false } = {}) {
  if (blob.size === 0) throw new ImageInputError("The file is empty.", "Choose another image.");
  const img = await openImage(blob);
  let { naturalWidth: width, naturalHeight: height } = img;
  if (width === 0 || height === 0) {
    throw new ImageInputError(
      "The image has no pixels (zero width or height).",
      "Choose another image.",
    );
  }
  if (width * height > MAX_PIXELS) {
    if (!downscale) {
      const mp = ((width * height) / 1e6).toFixed(0);
      throw new ImageInputError(
        `The image is ${width}×${height} (${mp} megapixels), more than the ${MAX_PIXELS / 1e6} megapixels ndlab handles in a browser.`,
        "Downscale it to fit, or open a smaller image.",
        { width, height },
      );
    }
    const scale = Math.sqrt(MAX_PIXELS / (width * height));
    width = Math.max(1, Math.floor(width * scale));
    height = Math.max(1, Math.floor(height * scale));
  }
  // <img> shows what it can of a damaged file; createImageBitmap refuses it.
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob, {
      resizeWidth: width,
      resizeHeight: height,
      resizeQuality: "high",
    });
  } catch {
    throw new ImageInputError(
      `“${blob instanceof File ? blob.name : "This image"}” is damaged or incomplete: it could not be fully decoded.`,
      "Save or download the image again, or open another one.",
    );
  }
  try {
    return rasterize(bitmap, width, height);
  } finally {
    bitmap.close();
  }
}

/** Fetch an image by URL (a bundled sample) and decode it. @param {string} url */
export async function loadImage(url) {
  const response = await fetch(url);
  if (!response.ok)
    throw new ImageInputError(`Could not load ${url} (${response.status}).`, "Reload the page.");
  return readImage(await response.blob());
}

/**
 * Accept what the JS API takes: ImageData, a canvas, or {data, width, height} (RGBA bytes).
 * @param {any} input
 * @returns {{data: Uint8ClampedArray | Uint8Array, width: number, height: number}}
 */
export function toPixels(input) {
  if (typeof HTMLCanvasElement !== "undefined" && input instanceof HTMLCanvasElement) {
    return rasterize(input, input.width, input.height);
  }
  const { data, width, height } = input ?? {};
  if (!(data instanceof Uint8ClampedArray || data instanceof Uint8Array)) {
    throw new ImageInputError(
      "The input must be an ImageData, a canvas, or {data, width, height} with RGBA bytes.",
      "Pass pixels as a Uint8ClampedArray or Uint8Array of length width × height × 4.",
    );
  }
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new ImageInputError(
      `The image size ${width}×${height} is not valid.`,
      "Width and height must be positive integers.",
    );
  }
  if (data.length !== width * height * 4) {
    throw new ImageInputError(
      `Expected ${width * height * 4} bytes for a ${width}×${height} RGBA image, got ${data.length}.`,
      "Pass 4 bytes (R, G, B, A) per pixel.",
    );
  }
  if (width * height > MAX_PIXELS) {
    throw new ImageInputError(
      `The image has more than ${MAX_PIXELS / 1e6} megapixels.`,
      "Downscale it first.",
    );
  }
  return { data, width, height };
}
