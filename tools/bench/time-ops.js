// Each run gets a new copy of the photograph, so the worker loads it and computes from scratch:
// the overhead is everything the page spends beyond SciPy's own time (copies, conversions, display).
export default async ([ops, repeats]) => {
  const out = {};
  for (const op of ops) {
    out[op] = [];
    for (let i = 0; i < repeats; i++) {
      const photo = new ImageData(new Uint8ClampedArray(window.__photo.data), window.__photo.width);
      const start = performance.now();
      const { timings } = await ndlab.run(op, {}, photo);
      out[op].push({ ...timings, total_ms: performance.now() - start });
    }
  }
  return out;
};
