// @ts-check
// Keyboard shortcuts, declared once as a table that both the key handler and the help dialog read.

/**
 * @typedef {{keys: string[], description: string, action: () => unknown, whileTyping?: boolean}} Shortcut
 * `keys` are KeyboardEvent.key values, "Ctrl+z" for Ctrl (⌘ on a Mac) with z. An action that
 * returns false did not apply, and the key keeps its usual meaning (scrolling, for instance).
 * Keys typed into a field belong to the field, unless `whileTyping`.
 */

/** How keys are written in the help. */
const LABELS = {
  ArrowLeft: "←",
  ArrowRight: "→",
  PageUp: "Page Up",
  PageDown: "Page Down",
  Escape: "Esc",
};

/** @param {KeyboardEvent} e */
const keyName = (e) =>
  `${e.ctrlKey || e.metaKey ? "Ctrl+" : ""}${e.key.length === 1 ? e.key.toLowerCase() : e.key}`;

/** @param {EventTarget | undefined} target where the key went: inside a shadow root (the code editor's), its own element */
const typing = (target) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || target.matches("input, select, textarea"));

/** @param {Shortcut[]} shortcuts */
export function installShortcuts(shortcuts) {
  document.addEventListener("keydown", (e) => {
    if (e.altKey || e.defaultPrevented || e.isComposing) return;
    if (document.querySelector("dialog[open]")) return; // the dialog has the keyboard; Esc closes it
    const name = keyName(e);
    const shortcut = shortcuts.find((s) => s.keys.includes(name));
    if (!shortcut || (typing(e.composedPath()[0]) && !shortcut.whileTyping)) return;
    if (shortcut.action() !== false) e.preventDefault();
  });
}

/**
 * The help dialog, filled from the table.
 * @param {HTMLDialogElement} dialog @param {HTMLTableElement} table @param {Shortcut[]} shortcuts
 * @returns {() => void} opens the dialog
 */
export function helpDialog(dialog, table, shortcuts) {
  const rows = shortcuts.map(({ keys, description }) => {
    const row = document.createElement("tr");
    const keyCell = Object.assign(document.createElement("th"), { scope: "row" });
    keys.forEach((key, i) => {
      if (i) keyCell.append(" or ");
      const label = key.replace(/^Ctrl\+(.)$/, (_, k) => `Ctrl+${k.toUpperCase()}`);
      keyCell.append(
        Object.assign(document.createElement("kbd"), {
          textContent: LABELS[/** @type {keyof LABELS} */ (key)] ?? label,
        }),
      );
    });
    row.append(keyCell, Object.assign(document.createElement("td"), { textContent: description }));
    return row;
  });
  table.replaceChildren(...rows);
  // A modal dialog gives the focus back to where it was when it closes.
  return () => {
    if (!dialog.open) dialog.showModal();
  };
}
