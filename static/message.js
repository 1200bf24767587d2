// @ts-check
// The views' messages live in views/common.js; this name stays for the modules that import it.
export { showMessage } from "./views/common.js";
/** @typedef {import("./views/common.js").Problem} Problem */
