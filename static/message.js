// @ts-check
// Shows what happened and what to do: an error, or the note that a run was cancelled.

/** @typedef {{message: string, hint?: string, name?: string} | null} Problem */

/**
 * Show `problem` in `box` (hide the box for null), with buttons that act on it.
 * @param {HTMLElement} box @param {Problem} problem @param {HTMLElement[]} actions
 */
export function showMessage(box, problem, actions = []) {
  box.hidden = !problem;
  if (!problem) return;
  box.className = `message ${problem.name === "AbortError" ? "info" : "error"}`;
  const title = Object.assign(document.createElement("strong"), { textContent: problem.message });
  const hint = document.createTextNode(problem.hint ? ` ${problem.hint}` : "");
  box.replaceChildren(title, hint, ...actions);
}
