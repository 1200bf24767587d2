// @ts-check
// The full page's header: its two sections (the image workspace, the labs) and the classroom's
// "Teach with it" dialog. (Python's progress is runtime-status.js; Lesson, Present and the
// shortcuts' help are the lesson's, the presenter's and the shortcuts' own.)

const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** Show the image workspace or the labs, and mark its link in the header as the one shown. */
export function showMode(/** @type {"images" | "labs"} */ mode) {
  for (const shown of /** @type {const} */ (["images", "labs"])) {
    byId(`${shown}-view`).hidden = shown !== mode;
    const link = byId(`mode-${shown}`);
    if (shown === mode) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

/**
 * "Teach with it": how to take the page offline and into a room; its QR code opens the view
 * shown (classroom.svg, served with --lan, encodes the address students type with this view's
 * fragment).
 */
export function wireTeach() {
  byId("teach").addEventListener("click", () => {
    /** @type {HTMLAnchorElement} */ (byId("teach-qr")).href =
      `classroom.svg?view=${encodeURIComponent(location.hash.slice(1))}`;
    /** @type {HTMLDialogElement} */ (byId("teach-dialog")).showModal();
  });
}
