// @ts-check
// Draws a lab's plots with uPlot (hover values, drag to zoom, double-click to reset) and its
// heat maps as canvas images from the worker's pixels, with paths and points on top.
import "./locale.js"; // before uPlot, which reads the locale as it loads
// @ts-ignore: build.py copies uPlot here from its npm package
import uPlot from "../vendor/uplot/uPlot.esm.js";

/** Okabe–Ito: distinguishable with every common colour-vision deficiency. */
const PALETTE = [
  "#0072b2",
  "#d55e00",
  "#009e73",
  "#cc79a7",
  "#e69f00",
  "#56b4e9",
  "#000000",
  "#f0e442",
];

/** Axis type for a projector. */
const LARGE_AXIS = {
  font: "18px system-ui, sans-serif",
  labelFont: "bold 20px system-ui, sans-serif",
  labelSize: 32,
};

/** @param {string} kind @param {boolean} large for a projector */
function pathsFor(kind, large) {
  if (kind === "points") return { paths: () => null, points: { show: true, size: large ? 12 : 7 } };
  if (kind === "step")
    return { paths: uPlot.paths.stepped?.({ align: 1 }), points: { show: false } };
  if (kind === "bar")
    return { paths: uPlot.paths.bars?.({ size: [0.8, 60] }), points: { show: false } };
  if (kind === "dashed") return { dash: [8, 6], points: { show: false } };
  return { points: { show: false } };
}

/**
 * @param {HTMLElement} container
 * @param {any} plot {id, title, x_label, y_label, series: [{label, x, y, kind}], log_y?, click?};
 *   an outline's series have no x and y (labs' catalogue entries): the plot is drawn empty
 * @param {(values: Record<string, number>) => void} onClick sets parameters from a click
 */
export function drawPlot(container, plot, onClick) {
  const figure = document.createElement("figure");
  figure.className = "plot";
  figure.dataset.plot = plot.id;
  container.append(figure);
  // uPlot wants one x array: join the series' own x values, with gaps where a series has none.
  const data = uPlot.join(
    plot.series.map((/** @type {any} */ s) => [
      s.x ?? [],
      (s.y ?? []).map((/** @type {any} */ v) => v ?? null),
    ]),
  );
  // The figure's padding and border take about 20 px of the container's width. In presenter mode
  // a plot takes the whole width, and its axes (drawn on the canvas, so out of CSS's reach) large type.
  const large = document.body.classList.contains("presenter");
  // uPlot draws axes on its canvas: give them the page's text colour (light or dark theme).
  const ink = getComputedStyle(figure).color;
  const faint = ink.replace(/^rgb\((.*)\)$/, "rgba($1, 0.12)");
  const axis = {
    stroke: ink,
    grid: { stroke: faint, width: 1 },
    ticks: { stroke: faint, width: 1 },
    ...(large && LARGE_AXIS),
  };
  const room = (container.clientWidth || 660) - 20;
  const width = Math.max(300, large ? room : Math.min(room, 760));
  const chart = new uPlot(
    {
      title: plot.title,
      width,
      height: large ? Math.round(Math.min(innerHeight * 0.55, width / 2)) : 300,
      scales: { x: { time: false }, y: plot.log_y ? { distr: 3 } : {} },
      axes: [
        { label: plot.x_label, ...axis, ...(large && { size: 56 }) },
        { label: plot.y_label, ...axis, ...(large && { size: 84 }) },
      ],
      series: [
        { label: plot.x_label },
        ...plot.series.map((/** @type {any} */ s, /** @type {number} */ i) => ({
          label: s.label,
          stroke: PALETTE[i % PALETTE.length],
          fill: s.kind === "bar" ? `${PALETTE[i % PALETTE.length]}66` : undefined,
          width: large ? 3 : 2,
          spanGaps: true,
          ...pathsFor(s.kind, large),
        })),
      ],
    },
    /** @type {any} */ (data),
    figure,
  );
  if (plot.click) {
    figure.classList.add("clickable");
    figure.title = `Click to set ${Object.values(plot.click).join(" and ")}`;
    chart.over.addEventListener("click", () => {
      if (chart.cursor.left == null || chart.cursor.left < 0) return;
      const x = chart.posToVal(chart.cursor.left, "x");
      onClick({ [plot.click.x]: Number(x.toPrecision(4)) });
    });
  }
  return chart;
}

/** @param {string} b64 */
const decode = (b64) => Uint8ClampedArray.from(atob(b64), (c) => c.charCodeAt(0));

/**
 * @param {HTMLElement} container
 * @param {any} map {id, title, extent: [x0, x1, y0, y1], width, height, rgba_b64, range, paths?, points?, click?};
 *   an outline's has no rgba_b64 (labs' catalogue entries): the canvas is left blank
 * @param {(values: Record<string, number>) => void} onClick
 */
export function drawHeatmap(container, map, onClick) {
  const figure = document.createElement("figure");
  figure.className = "heatmap";
  figure.dataset.heatmap = map.id;
  const canvas = document.createElement("canvas");
  const scale = Math.min(640, container.clientWidth || 640) / map.width;
  canvas.width = Math.round(map.width * scale);
  canvas.height = Math.round(map.height * scale);
  const [x0, x1, y0, y1] = map.extent;
  const toPx = (/** @type {number} */ x, /** @type {number} */ y) => [
    ((x - x0) / (x1 - x0)) * canvas.width,
    ((y1 - y) / (y1 - y0)) * canvas.height,
  ];
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  if (map.rgba_b64) {
    const pixels = new ImageData(decode(map.rgba_b64), map.width, map.height);
    const source = Object.assign(document.createElement("canvas"), {
      width: map.width,
      height: map.height,
    });
    /** @type {CanvasRenderingContext2D} */ (source.getContext("2d")).putImageData(pixels, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  }
  (map.paths ?? []).forEach((/** @type {any} */ path, /** @type {number} */ i) => {
    ctx.strokeStyle = ["#ffffff", "#ff6b6b", "#ffd166"][i % 3];
    ctx.lineWidth = 2;
    ctx.beginPath();
    path.x.forEach((/** @type {number} */ x, /** @type {number} */ j) =>
      ctx.lineTo(.../** @type {[number, number]} */ (toPx(x, path.y[j]))),
    );
    ctx.stroke();
  });
  for (const point of map.points ?? []) {
    const [px, py] = toPx(point.x, point.y);
    ctx.fillStyle = "#ffffff";
    ctx.strokeStyle = "#000000";
    ctx.beginPath();
    ctx.arc(px, py, 5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
  const labels = (map.paths ?? [])
    .map((/** @type {any} */ p) => p.label)
    .concat((map.points ?? []).map((/** @type {any} */ p) => p.label));
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `${map.title}. ${labels.join(", ")}`);
  const caption = document.createElement("figcaption");
  const fmt = (/** @type {number} */ v) => Number(v.toPrecision(3));
  caption.textContent =
    `${map.title} · x ${fmt(x0)} to ${fmt(x1)}, y ${fmt(y0)} to ${fmt(y1)}` +
    (map.range ? ` · colour: ${fmt(map.range[0])} (dark) to ${fmt(map.range[1])} (light)` : "");
  figure.append(canvas, caption);
  container.append(figure);
  if (map.click) {
    figure.classList.add("clickable");
    canvas.addEventListener("click", (event) => {
      const rect = canvas.getBoundingClientRect();
      const x = x0 + ((event.clientX - rect.left) / rect.width) * (x1 - x0);
      const y = y1 - ((event.clientY - rect.top) / rect.height) * (y1 - y0);
      const values = { [map.click.x]: Number(x.toPrecision(3)) };
      if (map.click.y) values[map.click.y] = Number(y.toPrecision(3));
      onClick(values);
    });
  }
  return canvas;
}
