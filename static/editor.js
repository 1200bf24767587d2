// @ts-check
// The code editor: a result's (or a lab's) code opened in CodeMirror, edited, and run in the
// worker against the current input (ndlab.runCode). What it prints and its traceback appear
// under the editor, its figures as images; the array it leaves in `result` goes to the view's
// own viewers (onResult). Code that arrives from a link or a lesson is shown and never run
// until the person presses Run. CodeMirror (half a megabyte) loads when an editor first opens,
// so the page's start does without it.
import { LatestRunner } from "./scheduler.js";
import { reveal, sayProgress } from "./views/common.js";

/** @type {Promise<any> | null} CodeMirror 6 with its Python mode, which build.py bundles */
let codemirror = null;
// @ts-ignore: the bundle has no type declarations
const loadCodeMirror = () => (codemirror ??= import("../vendor/codemirror/codemirror.js"));

/** @typedef {import("./api.js").CodeResult} CodeResult */

/**
 * The editor's elements, made in `panel` (the same for every view that has an editor).
 * @param {HTMLElement} panel @param {string} about what the code runs on, shown above it
 */
function makeElements(panel, about) {
  const make = (/** @type {string} */ tag, /** @type {Record<string, any>} */ props = {}) =>
    Object.assign(document.createElement(tag), props);
  const el = {
    note: make("p", { className: "message info note", role: "status", hidden: true }),
    host: make("div", { className: "editor-host" }),
    run: make("button", {
      type: "button",
      className: "run",
      textContent: "Run",
      title: "Run (Ctrl+Enter)",
    }),
    busy: make("span", { className: "busy", textContent: "running…", hidden: true }),
    cancel: make("button", {
      type: "button",
      className: "cancel small secondary",
      textContent: "Cancel",
      hidden: true,
    }),
    close: make("button", {
      type: "button",
      className: "close small secondary",
      textContent: "Close the editor",
    }),
    error: make("div", { className: "message error", role: "alert", hidden: true }),
    stdout: make("pre", { className: "output stdout", hidden: true }),
    stderr: make("pre", { className: "output stderr", hidden: true }),
    value: make("pre", { className: "output value", hidden: true }),
    figures: make("div", { className: "figures" }),
    outputs: make("section", { className: "editor-outputs", hidden: true }),
  };
  el.outputs.setAttribute("aria-label", "What your code did");
  el.run.setAttribute("aria-keyshortcuts", "Control+Enter Shift+Enter");
  el.stdout.setAttribute("aria-label", "Printed output");
  el.stderr.setAttribute("aria-label", "Warnings and errors printed");
  el.value.setAttribute("aria-label", "The value of result");
  const actions = make("div", { className: "editor-actions" });
  actions.append(el.run, el.busy, el.cancel, el.close);
  panel.append(
    make("h2", { textContent: "Your code" }),
    make("p", { className: "hint", textContent: about }),
    el.note,
    el.host,
    actions,
  );
  el.outputs.append(el.error, el.stdout, el.stderr, el.value, el.figures);
  panel.append(el.outputs);
  return el;
}

/**
 * The editor's look: its size and colours (the page's own style sheet does not reach into its
 * shadow root), and Python's colours, readable on the page's light and dark panels (CodeMirror's
 * own are for light only).
 * @param {any} cm the parts of CodeMirror it uses
 */
function look({ EditorView, HighlightStyle, syntaxHighlighting, tags }) {
  const theme = EditorView.theme({
    "&": {
      maxHeight: "28rem",
      fontSize: "0.85rem",
      backgroundColor: "var(--panel)",
      color: "var(--ink)",
    },
    ".cm-scroller": { overflow: "auto" },
    ".cm-activeLine, .cm-activeLineGutter": { backgroundColor: "var(--hover)" },
    ".cm-gutters": {
      backgroundColor: "var(--subtle)",
      color: "var(--muted)",
      borderRight: "1px solid var(--line)",
    },
  });
  const colours = HighlightStyle.define([
    {
      tag: [tags.keyword, tags.operatorKeyword, tags.controlKeyword],
      color: "light-dark(#7a1fa2, #d7a8ff)",
    },
    { tag: [tags.string, tags.special(tags.string)], color: "light-dark(#a31515, #ffb4a8)" },
    { tag: tags.comment, color: "var(--muted)", fontStyle: "italic" },
    { tag: [tags.number, tags.bool, tags.null], color: "light-dark(#116644, #8fe3b0)" },
    {
      tag: [
        tags.definition(tags.variableName),
        tags.function(tags.definition(tags.variableName)),
        tags.className,
      ],
      color: "light-dark(#1d4ed8, #9ab8ff)",
    },
  ]);
  return [theme, syntaxHighlighting(colours)];
}

export class CodeEditor {
  /**
   * @param {HTMLElement} panel where the editor goes (hidden while it is closed)
   * @param {import("./api.js").Api} ndlab the JS API
   * @param {{about: string, input?: () => any, data?: () => any, onResult?: (result: CodeResult) => void,
   *   onChange?: () => void, onMessage?: (problem: any) => void}} hooks `about`: what the code runs
   *   on, said above it; `input`: what `image` is bound to; `data`: what `data` is bound to (a
   *   lab's); `onResult`: show a result that is an image; `onChange`: the code changed, or the
   *   editor opened or closed (write the URL)
   */
  constructor(
    panel,
    ndlab,
    {
      about,
      input = () => null,
      data = () => null,
      onResult = () => {},
      onChange = () => {},
      onMessage = () => {},
    },
  ) {
    const el = makeElements(panel, about);
    this.panel = panel;
    this.el = el;
    this.ndlab = ndlab;
    this.hooks = { input, data, onResult, onChange, onMessage };
    /** @type {string[]} object URLs of the figures shown */
    this.figureUrls = [];
    /** @type {string | null} the code last put in the editor (not typed) */
    this.loaded = null;
    this.runner = new LatestRunner((signal) => this.run(signal), {
      onBusy: (busy) => {
        el.busy.hidden = !busy;
        el.run.disabled = busy;
      },
      onCancellable: (show) => (el.cancel.hidden = !show),
    });
    /** @type {any} CodeMirror's view, made when the editor first opens */
    this.view = null;
    /** @type {any} CodeMirror's isolateHistory, then */
    this.isolateHistory = null;
    /** The run was asked for with the Run button (not a key in the code): its output takes the focus. */
    this.byButton = false;
    el.run.addEventListener("click", () => {
      this.byButton = true;
      this.runner.schedule();
    });
    el.cancel.addEventListener("click", () => this.runner.cancel());
    el.close.addEventListener("click", () => this.close());
  }

  /** The code in the editor while it is open, else null (what a link or a lesson carries). */
  get code() {
    return this.panel.hidden || !this.view ? null : this.view.state.doc.toString();
  }

  /** Load CodeMirror and make the editor's view, the first time. */
  async makeView() {
    const {
      EditorView,
      HighlightStyle,
      basicSetup,
      indentWithTab,
      isolateHistory,
      keymap,
      python,
      syntaxHighlighting,
      tags,
    } = await loadCodeMirror();
    if (this.view) return;
    const run = () => {
      this.byButton = false;
      this.runner.schedule();
      return true;
    };
    // In a shadow root CodeMirror styles itself with constructed style sheets, which the page's
    // CSP (style-src 'self') allows; in the document it would add <style> elements, which it blocks.
    const root = this.el.host.attachShadow({ mode: "open" });
    this.isolateHistory = isolateHistory;
    this.view = new EditorView({
      root,
      parent: root,
      extensions: [
        basicSetup,
        python(),
        ...look({ EditorView, HighlightStyle, syntaxHighlighting, tags }),
        keymap.of([{ key: "Mod-Enter", run }, { key: "Shift-Enter", run }, indentWithTab]),
        EditorView.contentAttributes.of({ "aria-label": "Python code" }),
        EditorView.updateListener.of(
          (/** @type {any} */ update) => update.docChanged && this.hooks.onChange(),
        ),
      ],
    });
  }

  /**
   * Show `code` in the editor, without running it.
   * @param {string} code
   * @param {string | null} from where it came from when not from this page ("the link",
   *   "the lesson"): the person is told it has not run
   */
  async open(code, from = null) {
    await this.makeView();
    const current = this.code;
    // code the person typed is replaced as one undoable change: Ctrl+Z brings it back
    const edited = current !== null && current !== this.loaded && current !== code;
    if (code !== current)
      this.view.dispatch({
        changes: { from: 0, to: this.view.state.doc.length, insert: code },
        annotations: this.isolateHistory.of("full"),
      });
    this.loaded = code;
    this.el.note.hidden = !from && !edited;
    this.el.note.textContent = from
      ? `This code came with ${from} and has not run: read it, then press Run.`
      : edited
        ? "Your edited code was replaced: Ctrl+Z (⌘Z) in the editor brings it back."
        : "";
    const opening = this.panel.hidden;
    this.panel.hidden = false;
    if (opening) this.hooks.onChange();
    if (from) return; // from a link or a lesson, as the page opens: the page stays where it is
    reveal(this.panel, null);
    this.view.focus();
  }

  /** Whether the last run printed, drew or failed (else it only left an array, or nothing). */
  get printed() {
    return !this.el.outputs.hidden;
  }

  close() {
    this.runner.cancel();
    this.panel.hidden = true;
    this.hooks.onChange();
  }

  /** Run the code in the worker and show what it did. @param {AbortSignal} signal */
  async run(signal) {
    const code = this.view.state.doc.toString();
    const { note, busy } = this.el;
    note.hidden = true;
    // packages the code imports load first (matplotlib: seconds), and say so
    const onProgress = sayProgress(busy, "running…");
    try {
      const result = await this.ndlab.runCode(code, this.hooks.input(), {
        signal,
        data: this.hooks.data(),
        onProgress,
      });
      this.hooks.onMessage(null);
      this.show(result);
    } catch (error) {
      this.hooks.onMessage(/** @type {any} */ (error));
    }
  }

  /** @param {CodeResult} result */
  show(result) {
    const { el } = this;
    setText(el.stdout, result.stdout);
    setText(el.stderr, result.stderr);
    const error = result.error;
    el.error.hidden = !error;
    if (error) {
      const where = error.line ? `Line ${error.line}: ` : "";
      const title = Object.assign(document.createElement("strong"), {
        textContent: `${where}${error.type}: ${error.message}`,
      });
      el.error.replaceChildren(
        title,
        Object.assign(document.createElement("pre"), { textContent: error.traceback }),
      );
      if (error.line) this.markLine(error.line);
    }
    const repr = result.data && "repr" in result.data ? result.data.repr : "";
    setText(el.value, repr && `result = ${repr}`);
    for (const url of this.figureUrls) URL.revokeObjectURL(url);
    this.figureUrls = result.figures.map((png) => URL.createObjectURL(png));
    el.figures.replaceChildren(
      ...this.figureUrls.map((src, i) =>
        Object.assign(document.createElement("img"), {
          src,
          alt: `Figure ${i + 1} drawn by your code`,
        }),
      ),
    );
    el.outputs.hidden =
      [el.error, el.stdout, el.stderr, el.value].every((e) => e.hidden) && !result.figures.length;
    // what it printed or drew comes into view; the focus goes to it from the Run button, and
    // stays in the code when the run came from the keyboard there
    if (!el.outputs.hidden) reveal(el.outputs, this.byButton ? el.outputs : null);
    if (result.image) this.hooks.onResult(result);
  }

  /** Select line `line` of the code and bring it into view. @param {number} line from 1 */
  markLine(line) {
    const doc = this.view.state.doc;
    const { from, to } = doc.line(Math.min(Math.max(line, 1), doc.lines));
    this.view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
  }
}

/** Show `text` in `element`, hidden when empty. @param {HTMLElement} element @param {string} text */
function setText(element, text) {
  element.textContent = text;
  element.hidden = !text;
}
