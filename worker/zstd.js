// @ts-check
// A .zst twin unpacked by zstd's own decoder, compiled to WebAssembly (zstddec's build of zstd;
// no browser's DecompressionStream reads Zstandard yet), and checked against the sha256 build.json
// lists for it: WebCrypto hashes the twin while zstd unpacks it, which costs less than hashing the
// plain bytes after (five times the size). zstddec's own module loads its WebAssembly from a
// `data:` URL, which the page's policy refuses: the build writes it out as a file, fetched here,
// and this module calls zstd's C functions itself. It unpacks on the worker's own thread: a thread
// of its own for each twin (a nested worker) sometimes never started or never answered in Firefox
// ESR 153 (4 of 20 starts), leaving the page waiting.

/** zstd's decoder as the build ships it. */
const DECODER = new URL("../vendor/zstddec/zstddec.wasm", import.meta.url);

/** A digest as hex. @param {ArrayBuffer} digest */
export const hex = (digest) =>
  Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * zstd's decoder: fetched and compiled when first asked for, once (call `load` early, so that it
 * is ready when the first twin arrives).
 */
export function zstdDecoder() {
  /** @type {Promise<any> | undefined} zstd's exported functions and memory */
  let zstd;
  const load = () =>
    (zstd ??= fetch(DECODER)
      .then((response) => {
        if (!response.ok) throw new Error(`${DECODER} answered ${response.status}`);
        return response.arrayBuffer();
      })
      .then((bytes) =>
        // its memory grows as it needs; each call here reads `memory.buffer` afresh
        WebAssembly.instantiate(bytes, { env: { emscripten_notify_memory_growth() {} } }),
      )
      .then(({ instance }) => instance.exports));
  return {
    load,
    /**
     * The plain bytes of a twin; throws when the twin is not the file listed.
     * @param {ArrayBuffer} packed the twin @param {string} sha256 its digest, hex
     * @param {number} size the plain file's size @param {string} url
     * @returns {Promise<Uint8Array<ArrayBuffer>>}
     */
    async unpackChecked(packed, sha256, size, url) {
      const digest = crypto.subtle.digest("SHA-256", packed); // runs while zstd unpacks
      let plain;
      let failure; // a damaged twin says so by its digest, before zstd's own words
      try {
        plain = decode(await load(), new Uint8Array(packed), size);
      } catch (error) {
        failure = error;
      }
      const found = hex(await digest);
      if (found !== sha256)
        throw new TypeError(`${url} is not the file build.json names (its sha256 is ${found}).`);
      if (!plain) throw failure;
      return plain;
    },
  };
}

/**
 * Unpack one Zstandard frame of `size` plain bytes with zstd's `ZSTD_decompress`.
 * @param {any} zstd the decoder's exports @param {Uint8Array} packed @param {number} size
 */
function decode(zstd, packed, size) {
  const from = zstd.malloc(packed.byteLength);
  const to = zstd.malloc(size);
  try {
    if (!from || !to) throw new RangeError(`No memory left to unpack ${size} bytes.`);
    new Uint8Array(zstd.memory.buffer).set(packed, from);
    const written = zstd.ZSTD_decompress(to, size, from, packed.byteLength);
    if (zstd.ZSTD_isError(written) || written !== size)
      throw new TypeError(`zstd could not unpack ${size} bytes (it answered ${written}).`);
    return new Uint8Array(zstd.memory.buffer).slice(to, to + size);
  } finally {
    zstd.free(from);
    zstd.free(to);
  }
}
