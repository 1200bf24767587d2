// @ts-check
// What every view does the same way, written once: bring what an action opened or produced into
// view and give it focus; copy text and say so (with a fallback where the clipboard API is
// missing: plain http on a classroom's LAN address is not a secure context); show a message that
// says what was wrong and what to do; mark results a refused run left as not current; write
// numbers; list a catalogue (operations, labs) by category.
/** What went wrong and what to do (null: nothing). @typedef {{message: string, hint?: string, name?: string, type?: string, fit?: number, about?: string} | null} Problem */

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

/**
 * Bring `element` into view, unless it is on the screen already, and move the focus to `target`
 * (made focusable if it is not), so that what an action opened or produced is where the person
 * looks and where the keyboard and a screen reader go next.
 * @param {HTMLElement} element @param {HTMLElement | null} target null: leave the focus
 */
export function reveal(element, target = element) {
  const { top, bottom, height } = element.getBoundingClientRect();
  // the screen less what stays at its bottom (a phone's result: style.css's scroll-padding-bottom)
  const room =
    innerHeight -
    (Number.parseFloat(getComputedStyle(document.documentElement).scrollPaddingBottom) || 0);
  const shown = top >= 0 && bottom <= room;
  // a panel taller than that room shows its start; a shorter one comes fully into the room
  if (!shown) element.scrollIntoView({ block: height > room || top < 0 ? "start" : "end" });
  if (!target) return;
  if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) target.tabIndex = -1;
  target.focus({ preventScroll: true });
}

/** How long a Copy button says what it did. */
const COPIED_MS = 4000;

/**
 * Copy `text` and say on `button` what happened: "Copied", or how to copy by hand. The
 * clipboard API exists only in secure contexts (https, this computer); elsewhere (a classroom's
 * http://192.168… address) the text is copied through a selection instead.
 * @param {HTMLButtonElement} button @param {string} text @param {string} what what is copied ("the link")
 * @returns {Promise<boolean>} whether the text was copied
 */
export async function copyText(button, text, what) {
  let copied = false;
  if (navigator.clipboard && window.isSecureContext) {
    copied = await navigator.clipboard.writeText(text).then(
      () => true,
      () => false,
    );
  }
  if (!copied) copied = copyBySelection(text, button);
  const label = button.dataset.label ?? (button.dataset.label = button.textContent ?? "");
  button.textContent = copied ? "Copied ✓" : "Not copied";
  const status = statusBeside(button);
  status.textContent = copied
    ? `Copied ${what}: paste it where you need it.`
    : `The browser refused to copy ${what} here: select it and press Ctrl+C (⌘C on a Mac).`;
  clearTimeout(Number(button.dataset.timer));
  button.dataset.timer = String(
    setTimeout(() => {
      button.textContent = label;
      status.textContent = "";
    }, COPIED_MS),
  );
  return copied;
}

/** Copy `text` with a hidden text area, selected, and the copy command; the focus goes back to `button`. @param {string} text @param {HTMLElement} button */
function copyBySelection(text, button) {
  const area = Object.assign(document.createElement("textarea"), {
    value: text,
    readOnly: true,
    className: "visually-hidden",
  });
  document.body.append(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch {
    copied = false;
  }
  area.remove();
  button.focus({ preventScroll: true });
  return copied;
}

/** The status line after `button` that says what it did (made the first time). @param {HTMLElement} button */
function statusBeside(button) {
  const next = button.nextElementSibling;
  if (next instanceof HTMLElement && next.classList.contains("did")) return next;
  const status = Object.assign(document.createElement("span"), { className: "did" });
  status.setAttribute("role", "status");
  button.after(status);
  return status;
}

/**
 * Mark the results shown as not current (a run refused new settings or data) or as current.
 * @param {HTMLElement} box the results @param {string} why "" once a run succeeds
 */
export function markStale(box, why) {
  box.classList.toggle("stale", Boolean(why));
  if (why) box.dataset.stale = `Not current: ${why}`;
  else delete box.dataset.stale;
}

/**
 * A number as people read it: integers whole, others to `digits` significant digits; arrays
 * joined; null as a dash.
 * @param {any} value @param {number} digits
 * @returns {string}
 */
export const format = (value, digits = 5) =>
  value === null || value === undefined
    ? "—"
    : typeof value === "number"
      ? Number.isInteger(value)
        ? String(value)
        : value.toPrecision(digits)
      : Array.isArray(value)
        ? value.map((v) => format(v, digits)).join(", ")
        : String(value);

/**
 * A catalogue (operations or labs) as buttons grouped by category, the one in use pressed and
 * shown in the list's own scroll box.
 * @param {HTMLElement} list @param {any[]} items each with name, title, summary, category
 * @param {string | null} current the name in use @param {(name: string) => void} pick
 * @param {string} key the data attribute that holds each button's name ("op": data-op)
 */
export function catalogueList(list, items, current, pick, key) {
  const groups = [...Map.groupBy(items, (item) => item.category)].map(([category, members]) => {
    const group = document.createElement("section");
    group.append(Object.assign(document.createElement("h3"), { textContent: category }));
    for (const item of members) {
      const b = Object.assign(document.createElement("button"), {
        type: "button",
        textContent: item.title,
        title: item.summary,
      });
      b.dataset[key] = item.name;
      b.setAttribute("aria-pressed", String(item.name === current));
      b.addEventListener("click", () => pick(item.name));
      group.append(b);
    }
    return group;
  });
  // drawn again (a pick, a search): a focus that was on an item stays on it, not lost to the page
  const focused = /** @type {HTMLElement | null} */ (list.querySelector(":focus"))?.dataset[key];
  list.replaceChildren(...groups);
  revealPressed(list);
  const again = focused && list.querySelector(`button[data-${key}="${CSS.escape(focused)}"]`);
  if (again) /** @type {HTMLElement} */ (again).focus({ preventScroll: true });
}

/** Press the button of `name` in a catalogue list. @param {HTMLElement} list @param {string} name @param {string} key */
export function pressInList(list, name, key) {
  list
    .querySelectorAll("button")
    .forEach((b) => b.setAttribute("aria-pressed", String(b.dataset[key] === name)));
  revealPressed(list);
}

/**
 * Help text with ``code`` marked as in the catalogue's docstrings: the code in <code>, the rest
 * as text (never parsed as HTML).
 * @param {HTMLElement} element @param {string} text
 */
export function writeHelp(element, text) {
  element.replaceChildren(
    ...text
      .split(/``(.+?)``/)
      .map((part, i) =>
        i % 2
          ? Object.assign(document.createElement("code"), { textContent: part })
          : document.createTextNode(part),
      ),
  );
}

/** @type {WeakMap<HTMLElement, ResizeObserver>} lists kept showing their pressed button */
const revealing = new WeakMap();

/**
 * Scroll a list of buttons that scrolls in a box of its own (on narrow screens) so that its
 * pressed button shows; the page itself does not move. The list is scrolled again whenever it
 * or its groups change size (a scroll bar appearing, text wrapping anew), so it stays right.
 * @param {HTMLElement} list
 */
function revealPressed(list) {
  let observer = revealing.get(list);
  if (!observer) {
    observer = new ResizeObserver(() => centrePressed(list));
    revealing.set(list, observer);
  }
  observer.disconnect();
  for (const element of [list, ...list.children]) observer.observe(element);
  centrePressed(list);
}

/** @param {HTMLElement} list */
function centrePressed(list) {
  const pressed = /** @type {HTMLElement | null} */ (list.querySelector('[aria-pressed="true"]'));
  if (!pressed || list.scrollHeight <= list.clientHeight) return;
  list.scrollTop = pressed.offsetTop - (list.clientHeight - pressed.offsetHeight) / 2;
}

/**
 * A run's progress handler that says in its busy label what the run reports it is doing (the
 * worker's "Downloading the rest of NumPy's and SciPy's files", a lab's step, a package loading),
 * `idle` while it reports nothing.
 * @param {HTMLElement} busy @param {string} idle
 * @returns {(progress: {message?: string}) => void}
 */
export function sayProgress(busy, idle) {
  busy.textContent = idle;
  return ({ message }) => {
    busy.textContent = message ? `${message}…` : idle;
  };
}
