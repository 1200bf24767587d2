// @ts-check
// A view's elements, found inside its own root element by name, so that every page that shows a
// view (the full page, the embed) builds it the same way: `data-view` marks a view's root,
// `data-part="name"` each element the view uses (ids stay for labels, styles and tests).

/** @param {string} name camelCase @returns {string} kebab-case */
const kebab = (name) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The elements of the view at `root` by name (`names`, separated by spaces): each the first
 * element inside it whose
 * `data-part` lists the name (a space-separated list, written kebab-case: `originalCaption` is
 * `data-part="original-caption"`), not counting the parts of a view nested in it (an element
 * inside another `data-view`). A name the page does not have maps to null.
 * @param {HTMLElement} root an element with `data-view` @param {string} names
 * @returns {Record<string, any>}
 */
export function parts(root, names) {
  if (!root.hasAttribute("data-view")) throw new Error(`${root.id || root.tagName}: no data-view`);
  /** @type {Map<string, Element>} */
  const found = new Map();
  for (const element of root.querySelectorAll("[data-part]")) {
    if (element.closest("[data-view]") !== root) continue; // a nested view's own
    for (const name of (element.getAttribute("data-part") ?? "").split(" "))
      if (!found.has(name)) found.set(name, element);
  }
  return Object.fromEntries(
    names.split(/\s+/).map((name) => [name, found.get(kebab(name)) ?? null]),
  );
}
