// @ts-check
// A thread that unpacks and checks one .zst twin (zstd.js), so the worker's thread stays free to
// start Pyodide's runtime meanwhile. It says "ready" once loaded; downloads.js then sends it the
// twin and gets the plain bytes back, transferred, not copied.
import { unpackChecked } from "./zstd.js";

self.onmessage = async ({ data: { packed, sha256, url } }) => {
  try {
    const { buffer } = await unpackChecked(packed, sha256, url);
    self.postMessage({ buffer }, { transfer: [buffer] });
  } catch (error) {
    self.postMessage({ error: { name: error?.name, message: String(error?.message ?? error) } });
  }
};
self.postMessage("ready");
