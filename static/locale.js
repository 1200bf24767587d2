// @ts-check
// The locale numbers are formatted in: the reader's, or a default where the browser's language tag
// is one its own Intl refuses (WebKit reports "C" under LANG=C.UTF-8, and
// `new Intl.NumberFormat("C")` throws). Imported before uPlot, which formats with
// `navigator.language` as its module loads.

/** The locale used when the browser's own cannot format numbers. */
const DEFAULT_LOCALE = "en-US";

/** @param {string} tag */
function formats(tag) {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

if (!formats(navigator.language))
  Object.defineProperty(navigator, "language", { value: DEFAULT_LOCALE, configurable: true });
