// The first slider of the controls moved for `seconds`: the previews that reached the screen and
// their median timings, and the long main-thread tasks meanwhile.
export default async ([seconds]) => {
  const range = document.querySelector("#controls input[type=range]");
  const long = [];
  new PerformanceObserver((l) => long.push(...l.getEntries().map((e) => e.duration))).observe({
    type: "longtask",
  });
  const before = performance.getEntriesByName("ndlab:result").length;
  const start = performance.now();
  let i = 0;
  while (performance.now() - start < seconds * 1000) {
    const low = Number(range.min),
      high = Number(range.max);
    range.value = String(low + (((i++ % 40) / 40) * (high - low)) / 2);
    range.dispatchEvent(new Event("input", { bubbles: true }));
    await new Promise((r) => setTimeout(r, 16));
  }
  await new Promise((r) => setTimeout(r, 500));
  const shown = performance.getEntriesByName("ndlab:result").slice(before);
  const drafts = shown.map((m) => m.detail.draft).filter((k) => k > 1);
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    previews: shown.length,
    drafts: drafts.length,
    draft_factor: Math.max(1, ...drafts),
    seconds,
    ...Object.fromEntries(
      ["round_trip_ms", "python_ms", "paint_ms"].map((key) => [
        key,
        median(shown.map((m) => m.detail[key])),
      ]),
    ),
    long_tasks: long.length,
    longest_task_ms: Math.max(0, ...long),
  };
};
