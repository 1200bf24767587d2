// @ts-check
// What a page says about Python: how far its start has come, that it is ready (and how long it
// took), that it failed, and after a crash that a fresh one is starting.

/** @typedef {{stage: string, loaded: number, total: number}} Progress a stage of the start */

/** A stage of the start as words: a share, not megabytes (most files arrive packed). @param {Progress} p */
export const progressText = ({ stage, loaded, total }) =>
  total > 1 ? `${stage}: ${Math.floor(Math.min(loaded / total, 1) * 100)} %` : `${stage}…`;

/** The full page's header: a progress bar and its words; `body[data-ready]` once Python is ready. */
export class RuntimeStatus {
  /**
   * @param {HTMLProgressElement} bar @param {HTMLElement} text
   * @param {() => Promise<{timings: {startup_ms: number}}>} ready Python's start (ndlab.ready)
   * @param {(problem: any) => void} onMessage shows why Python failed to start
   */
  constructor(bar, text, ready, onMessage) {
    this.bar = bar;
    this.text = text;
    this.ready = ready;
    this.onMessage = onMessage;
    /** Whether the page's own start failed (see fail). */
    this.failed = false;
  }

  /**
   * The page's own start failed, before it waited for Python (a file of the site it needs did
   * not come): say so, so that the page does not show "Starting Python…" for ever.
   * @param {{message: string, hint: string}} problem
   */
  fail(problem) {
    this.failed = true;
    this.text.textContent = "The page failed to start";
    this.onMessage(problem);
  }

  /** @param {Progress} p */
  progress(p) {
    if (this.failed) return; // Python may go on starting: the page's failure stays shown
    this.bar.value = p.total ? Math.min(p.loaded / p.total, 1) : 0;
    this.text.textContent = progressText(p);
    // A fresh Python is starting after a crash: say so, and say when it is ready again.
    if (document.body.dataset.ready === "true") {
      delete document.body.dataset.ready;
      this.wait();
    }
  }

  /** Wait until Python is ready and say so; false (and a message) if it failed. */
  async wait() {
    try {
      const { timings } = await this.ready();
      this.bar.value = 1;
      this.text.textContent = `Python ready in ${(timings.startup_ms / 1000).toFixed(1)} s`;
      document.body.dataset.ready = "true";
      return true;
    } catch (error) {
      this.text.textContent = "Python failed to start";
      this.onMessage(error);
      return false;
    }
  }
}
