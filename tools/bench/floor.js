// The floor's page: starts its worker and keeps what it reports for the benchmark to read.
const worker = new Worker("floor-worker.js" + location.search, { type: "module" });
worker.onmessage = (e) => {
  if ("kernels" in e.data) window.kernels = JSON.parse(e.data.kernels);
  else window.floor = { ...e.data, ready_ms: performance.now() };
};
