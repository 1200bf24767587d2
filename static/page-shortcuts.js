// @ts-check
// The full page's keyboard shortcuts: the table that shortcuts.js reads for the keys and the help.

/**
 * @param {{images: import("./image-view.js").ImageView, labs: import("./labs.js").LabsView,
 *   compare: import("./compare.js").Compare, batch: import("./batch.js").Batch,
 *   presenter: import("./presenter.js").Presenter, lesson: import("./lesson.js").LessonView,
 *   inLabs: () => boolean, help: () => void}} page the page's views; `inLabs`: the labs are
 *   shown; `help` opens the shortcuts' help
 * @returns {import("./shortcuts.js").Shortcut[]}
 */
export function pageShortcuts({ images, labs, compare, batch, presenter, lesson, inLabs, help }) {
  /** Side by side, then the before/after split, then the difference (those the images allow). */
  const cycleCompare = () => {
    if (inLabs()) return false;
    const select = compare.el.mode;
    const options = [...select.options].filter((o) => !o.disabled);
    select.value = options[(options.indexOf(select.selectedOptions[0]) + 1) % options.length].value;
    select.dispatchEvent(new Event("change"));
  };
  const cancelOrLeave = () => {
    const runner = inLabs() ? labs.runner : images.runner;
    if (runner.running) return runner.cancel();
    if (!inLabs() && batch.running) return batch.cancel();
    if (presenter.on) return presenter.set(false);
    return false;
  };
  return [
    { keys: ["?"], description: "Show these shortcuts", action: help },
    {
      keys: ["p"],
      description: "Presenter mode on or off: large type, full screen",
      action: () => presenter.toggle(),
    },
    {
      keys: ["f"],
      description: "Full screen on or off",
      action: () => presenter.toggleFullscreen(),
    },
    {
      keys: ["c"],
      description: "Next comparison: side by side, before/after split, difference",
      action: cycleCompare,
    },
    {
      keys: ["r"],
      description: "Run again",
      action: () => (inLabs() ? labs : images).el.params.requestSubmit(),
    },
    {
      keys: ["Escape"],
      description: "Cancel the computation (or the batch) running, or else leave presenter mode",
      action: cancelOrLeave,
      whileTyping: true,
    },
    {
      keys: ["ArrowRight", "PageDown"],
      description: "Next step of the lesson",
      action: lesson.next,
    },
    {
      keys: ["ArrowLeft", "PageUp"],
      description: "Previous step of the lesson",
      action: lesson.previous,
    },
    {
      keys: ["Ctrl+z"],
      description: "Undo the last change to the pipeline",
      action: () => !inLabs() && images.undo(),
    },
  ];
}
