// @ts-check
// Presenter mode, for a teacher at a projector: `body.presenter` makes type and controls large,
// the result as large as the screen allows and puts secondary panels away (style.css), and the
// page goes full screen. Leaving full screen leaves presenter mode, and the other way round.

export class Presenter {
  /** @param {HTMLButtonElement} button the header's Present button (aria-pressed) */
  constructor(button) {
    this.button = button;
    /** Presenter mode asked for full screen, so leaving one leaves the other. */
    this.ownsFullscreen = false;
    button.addEventListener("click", () => this.toggle());
    document.addEventListener("fullscreenchange", () => {
      if (!document.fullscreenElement && this.ownsFullscreen) this.set(false);
    });
  }

  get on() {
    return document.body.classList.contains("presenter");
  }

  toggle() {
    return this.set(!this.on);
  }

  /** @param {boolean} on */
  async set(on) {
    document.body.classList.toggle("presenter", on);
    this.button.setAttribute("aria-pressed", String(on));
    if (on && !document.fullscreenElement) {
      // Refused (no user gesture, or an embedding frame without permission): a window works too.
      this.ownsFullscreen = await requestFullscreen();
    } else if (!on && this.ownsFullscreen) {
      this.ownsFullscreen = false;
      if (document.fullscreenElement) await document.exitFullscreen().catch(() => {});
    }
  }

  /** Full screen on or off, in or out of presenter mode. */
  async toggleFullscreen() {
    if (document.fullscreenElement) await document.exitFullscreen().catch(() => {});
    else await requestFullscreen();
  }
}

/** @returns {Promise<boolean>} whether the page is now full screen */
async function requestFullscreen() {
  try {
    await document.documentElement.requestFullscreen({ navigationUI: "hide" });
    return true;
  } catch {
    return false;
  }
}
