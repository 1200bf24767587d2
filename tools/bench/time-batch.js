// A batch of files of the photograph, chosen in the page's batch controls; long main-thread
// tasks meanwhile, and Python's memory (the WebAssembly heap, which never shrinks) after.
export default async ([count, output]) => {
  const files = [];
  for (let i = 0; i < count; i++) {
    const c = document.createElement("canvas");
    c.width = window.__photo.width;
    c.height = window.__photo.height;
    const cx = c.getContext("2d");
    cx.putImageData(window.__photo, 0, 0);
    cx.fillText(String(i), 10 + i, 20); // a different image each time
    files.push(
      new File([await new Promise((r) => c.toBlob(r))], `photo-${i}.png`, { type: "image/png" }),
    );
  }
  document.querySelector("#batch").open = true;
  document.querySelector("#batch-output").value = output;
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  const long = [];
  const observer = new PerformanceObserver((l) =>
    long.push(...l.getEntries().map((e) => e.duration)),
  );
  observer.observe({ type: "longtask" });
  const input = document.querySelector("#batch-files");
  input.files = dt.files;
  const start = performance.now();
  input.dispatchEvent(new Event("change"));
  const download = document.querySelector("#batch-download");
  while (download.hidden) await new Promise((r) => setTimeout(r, 20));
  const ms = performance.now() - start;
  observer.disconnect();
  const done = document.querySelectorAll("#batch-list li[data-state=done]").length;
  const tiny = new ImageData(new Uint8ClampedArray([1, 2, 3, 255]), 1);
  const { memory_mb } = await ndlab.run("sobel", {}, tiny);
  return {
    count,
    done,
    ms,
    long_tasks: long.length,
    longest_task_ms: Math.max(0, ...long),
    memory_mb,
  };
};
