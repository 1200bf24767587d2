// A four-step pipeline run whole on a new input, then with its last step edited (the steps before
// come from the worker's cache).
export default async ([steps, repeats]) => {
  const out = { whole: [], edited: [] };
  for (let i = 0; i < repeats; i++) {
    const photo = new ImageData(new Uint8ClampedArray(window.__photo.data), window.__photo.width);
    let start = performance.now();
    const whole = await ndlab.runPipeline(steps, photo);
    out.whole.push({ total_ms: performance.now() - start, timings: whole.timings });
    const edited = structuredClone(steps);
    edited[3].params.connectivity = 2;
    start = performance.now();
    const again = await ndlab.runPipeline(edited, photo);
    out.edited.push({ total_ms: performance.now() - start, timings: again.timings });
  }
  return out;
};
