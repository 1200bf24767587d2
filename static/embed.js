// @ts-check
// ndlab demos on any page. Add one script tag,
//   <script src="https://YOUR-NDLAB-SITE/static/embed.js" defer></script>
// and elements such as
//   <div data-ndlab="gaussian_filter" data-sample="camera" data-params='{"sigma": 3}'></div>
//   <div data-ndlab="camelback" data-theme="dark"></div>   (data-theme: light, dark or auto, the default:
//                                                             as the reader's system asks)
//   <div data-ndlab="fit_curve" data-compact></div>        (data-compact: the controls and the figures
//                                                             only, for a lab in a column of text)
//   <div data-ndlab="label" data-sample="coins" data-before='[["threshold_otsu", {}]]'></div>
//                         (data-before: a pipeline's steps before the demo's own, [name, params] each)
//   data-height="480" fixes the frame's height in pixels; without it the frame fits its content.
// Each becomes a live demo (an iframe of ndlab's embed view) when it comes near the screen; all
// demos on the page share one Python. Each element's data-ndlab-state says "waiting", "loading",
// "ready" or "error". From the host page's script:
//   await ndlabEmbed.request(element, {type: "set", params: {sigma: 5}})  // -> the new result
//   await ndlabEmbed.request(element, {type: "get" | "run" | "status"})
// This is a classic script (no module needed); it reads nothing but the data attributes above.
// Its messages to and from the demos are declared in embed-protocol.js (tsc checks them).
/**
 * @typedef {import("./embed-protocol.js").Ask} Ask
 * @typedef {import("./embed-protocol.js").HostRequest} HostRequest
 * @typedef {import("./embed-protocol.js").DemoNotice} DemoNotice
 * @typedef {import("./embed-protocol.js").DemoState} DemoState
 */
(() => {
  const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  if (!script) return console.error("ndlab embed.js: load it with a plain <script src=…> tag.");
  const EMBED_URL = new URL("../embed.html", script.src);
  const NAME = /^[a-z][a-z0-9_]{0,63}$/;
  const REPLY_TIMEOUT_MS = 120_000;
  /** @type {Readonly<Record<DemoState, true>>} the states a demo reports */
  const STATES = { loading: true, ready: true, error: true };

  /** @type {Map<Window, HTMLElement>} each demo's frame window and its element */
  const demos = new Map();
  /** @type {Map<number, {resolve: Function, reject: Function}>} */
  const waiting = new Map();
  let nextId = 1;

  /** @param {HTMLElement} el @param {DemoState | "waiting"} state @param {string} message */
  function setState(el, state, message = "") {
    el.dataset.ndlabState = state;
    if (state === "error" && message && !el.querySelector("iframe")) {
      el.replaceChildren(
        Object.assign(document.createElement("p"), {
          textContent: `ndlab: ${message}`,
          role: "alert",
        }),
      );
    }
  }

  /** The embed view's URL for an element, or an error message. @param {HTMLElement} el */
  function embedUrl(el) {
    const name = el.dataset.ndlab ?? "";
    if (!NAME.test(name)) return { error: `“${name}” is not an operation or lab name.` };
    const query = new URLSearchParams();
    query.set("demo", name);
    const sample = el.dataset.sample;
    if (sample !== undefined) {
      if (!NAME.test(sample)) return { error: `“${sample}” is not a sample name.` };
      query.set("sample", sample);
    }
    let params = {};
    if (el.dataset.params !== undefined) {
      try {
        params = JSON.parse(el.dataset.params);
      } catch {
        return { error: "data-params is not valid JSON." };
      }
      if (typeof params !== "object" || params === null || Array.isArray(params))
        return { error: "data-params must be a JSON object." };
      query.set("params", JSON.stringify(params));
    }
    if (el.dataset.before !== undefined) {
      let before;
      try {
        before = JSON.parse(el.dataset.before);
      } catch {
        return { error: "data-before is not valid JSON." };
      }
      if (!Array.isArray(before))
        return { error: "data-before must be a JSON list of [name, params] steps." };
      // the embed view reads a pipeline as the page's links write it; the checks are its own
      query.delete("demo");
      query.delete("params");
      query.set("steps", JSON.stringify([...before, [name, params]]));
    }
    const height = el.dataset.height;
    if (height !== undefined && !/^[1-9][0-9]{1,3}$/.test(height))
      return { error: `data-height is a height in pixels (10 to 9999), not “${height}”.` };
    const theme = el.dataset.theme ?? "auto";
    if (!["auto", "light", "dark"].includes(theme))
      return { error: `data-theme is “light”, “dark” or “auto”, not “${theme}”.` };
    if (theme !== "auto") query.set("theme", theme);
    if (el.dataset.compact !== undefined) query.set("compact", "1"); // the results only, small
    if (location.origin.startsWith("http")) query.set("origins", location.origin);
    return { url: `${EMBED_URL.href}#${query}` };
  }

  /** Put the demo's iframe in place. @param {HTMLElement} el */
  function mount(el) {
    if (el.querySelector("iframe")) return;
    const { url, error } = embedUrl(el);
    if (!url) return setState(el, "error", error);
    const frame = document.createElement("iframe");
    frame.src = url;
    frame.title = `ndlab demo: ${el.dataset.ndlab}`;
    frame.style.cssText =
      "display:block;width:100%;height:24rem;margin:1rem 0;border:1px solid #d9dde1;border-radius:8px;";
    if (el.dataset.height) frame.style.height = `${el.dataset.height}px`;
    frame.addEventListener("load", () => (frame.dataset.loaded = "true"), { once: true });
    el.replaceChildren(frame);
    setState(el, "loading");
    demos.set(/** @type {Window} */ (frame.contentWindow), el);
  }

  window.addEventListener("message", (event) => {
    const el = demos.get(/** @type {Window} */ (event.source));
    const m = /** @type {DemoNotice} */ (event.data);
    if (
      !el ||
      event.origin !== EMBED_URL.origin ||
      typeof m !== "object" ||
      m === null ||
      m.ndlab !== "embed"
    )
      return;
    const frame = /** @type {HTMLIFrameElement} */ (el.querySelector("iframe"));
    if (m.type === "height" && Number.isFinite(m.height) && !el.dataset.height)
      frame.style.height = `${Math.min(Math.max(m.height, 80), 4000)}px`;
    else if (m.type === "state" && Object.hasOwn(STATES, m.state))
      setState(el, m.state, String(m.message ?? ""));
    else if (m.type === "reply" && waiting.has(m.id)) {
      const { resolve, reject } = /** @type {any} */ (waiting.get(m.id));
      waiting.delete(m.id);
      if (m.ok) resolve(m.value);
      else reject(new Error(String(m.error)));
    }
  });

  /**
   * Ask a demo something: {type: "get" | "run" | "status"} or {type: "set", params}.
   * @param {HTMLElement} el a demo's element @param {Ask} request
   */
  function request(el, request) {
    mount(el);
    const frame = el.querySelector("iframe");
    if (!frame?.contentWindow)
      return Promise.reject(new Error("That element is not an ndlab demo."));
    const id = nextId++;
    const target = frame.contentWindow;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      /** @type {HostRequest} */
      const message = { ndlab: "embed", id, ...request };
      const send = () => target.postMessage(message, EMBED_URL.origin);
      // Before the embed view has loaded, a message would be lost: send once it has.
      if (!frame.dataset.loaded) frame.addEventListener("load", send, { once: true });
      else send();
      setTimeout(
        () => waiting.delete(id) && reject(new Error("The demo did not answer in time.")),
        REPLY_TIMEOUT_MS,
      );
    });
  }

  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        mount(/** @type {HTMLElement} */ (entry.target));
      }
    },
    { rootMargin: "300px" },
  );

  function scan() {
    for (const el of document.querySelectorAll("[data-ndlab]")) {
      if (el instanceof HTMLElement && !el.dataset.ndlabState) {
        setState(el, "waiting");
        observer.observe(el);
      }
    }
  }

  Object.assign(window, { ndlabEmbed: { request, mount, scan } });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
})();
