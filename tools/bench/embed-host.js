// The host page's clock: when each demo on it became ready (ms from the page's start).
window.readyAt = {};
new MutationObserver((changes) => {
  for (const c of changes)
    if (c.target.dataset.ndlabState === "ready") window.readyAt[c.target.id] ??= performance.now();
}).observe(document.documentElement, { subtree: true, attributeFilter: ["data-ndlab-state"] });
