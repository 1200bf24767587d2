// @ts-check
// A .zst twin unpacked by fzstd (no browser's DecompressionStream reads Zstandard yet) and checked
// against the sha256 build.json lists for it: WebCrypto hashes the twin while fzstd unpacks it,
// which costs less than hashing the plain bytes after (five times the size). It unpacks on the
// worker's own thread: a thread of its own for each twin (a nested worker) sometimes never
// started or never answered in Firefox ESR 153 (4 of 20 starts), leaving the page waiting.
// @ts-ignore: build.py copies fzstd here from its npm package
import { decompress } from "../vendor/fzstd/index.mjs";

/** A digest as hex. @param {ArrayBuffer} digest */
export const hex = (digest) =>
  Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * The plain bytes of a twin, in a buffer of their own; throws when the twin is not the file listed.
 * @param {ArrayBuffer} packed the twin @param {string} sha256 its digest, hex @param {string} url
 * @returns {Promise<Uint8Array<ArrayBuffer>>}
 */
export async function unpackChecked(packed, sha256, url) {
  const digest = crypto.subtle.digest("SHA-256", packed); // runs while fzstd unpacks
  let plain;
  let failure; // a damaged twin says so by its digest, before fzstd's own words
  try {
    plain = decompress(new Uint8Array(packed));
  } catch (error) {
    failure = error;
  }
  const found = hex(await digest);
  if (found !== sha256)
    throw new TypeError(`${url} is not the file build.json names (its sha256 is ${found}).`);
  if (failure) throw failure;
  return plain.byteLength === plain.buffer.byteLength ? plain : plain.slice();
}
