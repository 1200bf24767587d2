// @ts-check
// Runs a task so that the newest request always wins: while a run is in flight, new requests
// are coalesced into one run that starts when it ends; a run can be cancelled.

export class LatestRunner {
  /**
   * @param {(signal: AbortSignal) => Promise<void>} task
   * @param {{onBusy?: (busy: boolean) => void, onCancellable?: (show: boolean) => void, cancelAfterMs?: number}} hooks
   */
  constructor(task, { onBusy = () => {}, onCancellable = () => {}, cancelAfterMs = 300 } = {}) {
    this.task = task;
    this.onBusy = onBusy;
    this.onCancellable = onCancellable;
    this.cancelAfterMs = cancelAfterMs;
    this.running = false;
    /** Newer settings are waiting for the run in flight to end. */
    this.stale = false;
    /** @type {AbortController | null} */
    this.controller = null;
  }

  schedule() {
    if (this.running) {
      this.stale = true;
      return;
    }
    this.running = true;
    this.stale = false;
    this.onBusy(true);
    const controller = (this.controller = new AbortController());
    const timer = setTimeout(() => this.onCancellable(true), this.cancelAfterMs);
    this.task(controller.signal).finally(() => {
      clearTimeout(timer);
      this.onCancellable(false);
      this.running = false;
      this.controller = null;
      if (this.stale) this.schedule();
      else this.onBusy(false);
    });
  }

  /** Cancel the run in flight and drop waiting requests. */
  cancel() {
    this.stale = false;
    this.controller?.abort();
  }
}
