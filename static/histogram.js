// @ts-check
// Draws the 256-bin histogram of an image, one curve per channel (one for grey images).

const COLOURS = ["#d55e00", "#009e73", "#0072b2"]; // colour-blind-safe red, green, blue

/** @param {ImageData} image @returns {Uint32Array[]} counts per channel (1 if grey, else 3) */
export function histogram(image) {
  const { data } = image;
  const counts = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  let grey = true;
  for (let i = 0; i < data.length; i += 4) {
    counts[0][data[i]]++;
    counts[1][data[i + 1]]++;
    counts[2][data[i + 2]]++;
    grey &&= data[i] === data[i + 1] && data[i + 1] === data[i + 2];
  }
  return grey ? [counts[0]] : counts;
}

/** The histogram of an image's pixels. @param {HTMLCanvasElement} canvas @param {ImageData} image */
export function drawHistogram(canvas, image) {
  const counts = histogram(image);
  draw(
    canvas,
    counts,
    `Histogram of ${counts.length === 1 ? "grey levels" : "red, green and blue"}`,
  );
}

/**
 * The histogram of an array's values, counted in Python over their range (ndlab.bridge.pixels.histogram).
 * @param {HTMLCanvasElement} canvas @param {{range: number[], counts: number[][]}} histogram
 */
export function drawCounts(canvas, { range, counts }) {
  const [low, high] = range.map((x) => (Number.isInteger(x) ? String(x) : x.toPrecision(4)));
  draw(
    canvas,
    counts,
    `Histogram of the values, ${low} to ${high}${counts.length === 1 ? "" : ", red, green and blue"}`,
  );
  canvas.title = `${low} to ${high}`;
}

/** @param {HTMLCanvasElement} canvas @param {ArrayLike<number>[]} counts @param {string} label */
function draw(canvas, counts, label) {
  const width = (canvas.width = 256);
  const height = (canvas.height = 80);
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  const ink = getComputedStyle(canvas).color; // grey levels in the text colour, light or dark
  ctx.clearRect(0, 0, width, height);
  // Square root scale, so a few huge bins (a black background) do not flatten the rest.
  const peak = Math.sqrt(Math.max(1, ...counts.flatMap((c) => Array.from(c))));
  const step = width / counts[0].length;
  counts.forEach((channel, c) => {
    ctx.beginPath();
    ctx.moveTo(0, height);
    Array.from(channel).forEach((n, x) =>
      ctx.lineTo((x + 0.5) * step, height - (Math.sqrt(n) / peak) * (height - 2)),
    );
    ctx.lineTo(width, height);
    ctx.fillStyle = ctx.strokeStyle = counts.length === 1 ? ink : COLOURS[c];
    ctx.globalAlpha = counts.length === 1 ? 0.55 : 0.33;
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.stroke();
  });
  canvas.setAttribute("aria-label", label);
}
