// Each lab at its defaults, `repeats` times: Python's compute time of each run.
export default async ([names, repeats]) => {
  const out = {};
  for (const name of names) {
    out[name] = [];
    for (let i = 0; i < repeats; i++)
      out[name].push((await ndlab.runLab(name, {})).timings.compute_ms);
  }
  return out;
};
