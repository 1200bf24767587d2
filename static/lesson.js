// @ts-check
// Lessons: a sequence of views (image pipelines or labs), each with a short title and text, that a
// teacher puts together in the page and shares as a link or a file; students step through it.
// The URL holds the lesson and the step shown before the view itself:
//   #lesson={"title":…,"steps":[…]}&at=2&sample=camera&steps=[…]
// Showing a step puts its view (the same image or lab link the page writes) into the URL and lets
// the page follow it, as it follows any link.
import { download } from "./download.js";
import {
  LESSON_LIMITS,
  decodeLesson,
  encodeLesson,
  parseLesson,
  stepView,
  viewOf,
} from "./permalink.js";
import { copyText } from "./views/common.js";
import { parts } from "./views/parts.js";

/**
 * @typedef {import("./permalink.js").Lesson} Lesson
 * @typedef {import("./permalink.js").LessonStep} LessonStep
 * @typedef {import("./permalink.js").Catalogues} Catalogues
 * @typedef {{message: string, hint?: string} | null} Problem
 */

/** Where a teacher starts a lesson. */
const START =
  "Start here: set up the first view students should see (an image and its pipeline, or a lab), then press " +
  "“Add this view to the lesson”; go on to the next view and add it too. Or open a lesson file.";

export class LessonView {
  /**
   * @param {HTMLElement} root the view's root (`data-view`): the bar (its parts title, step,
   *   text, previous, next) and the authoring tools (tools, add, edit, remove, earlier, later, copy,
   *   save, file, close, status)
   * @param {HTMLDialogElement} dialog adds a step or edits its words (`data-view`; its parts
   *   heading, submit, lessonTitle, stepTitle, stepText)
   * @param {HTMLButtonElement} toggle shows the authoring tools
   * @param {{catalogues: () => Catalogues, show: (view: string) => void,
   *   current: () => LessonStep | string, onMessage: (problem: Problem) => void}} hooks
   *   `show` puts a view in the URL (after the lesson) and follows it; `current` is the view shown
   *   as a step, or why it cannot be one
   */
  constructor(root, dialog, toggle, hooks) {
    /** @type {Record<string, any>} */
    const el = {
      ...parts(
        root,
        "bar title step text previous next tools add edit remove earlier later copy save file " +
          "close status",
      ),
      ...parts(dialog, "heading submit lessonTitle stepTitle stepText"),
      dialog,
      toggle,
    };
    this.el = el;
    this.hooks = hooks;
    /** @type {Lesson | null} */ this.lesson = null;
    /** The step shown, from 0. */ this.at = 0;
    /** The lesson's JSON as the URL holds it, to tell a new lesson link from the one open. */
    this.json = "";
    /** The lesson and its step as the URL holds them, written before every view. */
    this.query = "";
    el.previous.addEventListener("click", () => this.go(this.at - 1));
    el.next.addEventListener("click", () => this.go(this.at + 1));
    el.toggle.addEventListener("click", () => {
      el.tools.hidden = !el.tools.hidden;
      el.toggle.setAttribute("aria-expanded", String(!el.tools.hidden));
    });
    el.add.addEventListener("click", () => this.askToAdd());
    el.edit.addEventListener("click", () => this.askToEdit());
    /** Whether the dialog edits the step shown rather than adding one. */
    this.editing = false;
    el.dialog.addEventListener("close", () => {
      if (el.dialog.returnValue === "add") this.editing ? this.edit() : this.add();
    });
    el.remove.addEventListener("click", () => this.remove());
    el.earlier.addEventListener("click", () => this.move(-1));
    el.later.addEventListener("click", () => this.move(1));
    el.copy.addEventListener("click", () => this.copyLink());
    el.save.addEventListener("click", () => this.save());
    el.close.addEventListener("click", () => this.close());
    el.file.addEventListener("change", (/** @type {any} */ e) => {
      const file = e.target.files?.[0];
      if (file) this.openFile(file);
      e.target.value = "";
    });
    this.render();
  }

  /** @param {string} view an image or lab link, "#…" @returns {string} the URL fragment with the lesson */
  withLesson(view) {
    if (!this.query) return view;
    const rest = view.replace(/^#/, "");
    return `#${this.query}${rest ? `&${rest}` : ""}`;
  }

  /**
   * Open the lesson a URL fragment carries, if it is not the one open at that step.
   * @param {string} hash @returns {string} the fragment to follow: with the step's view when the
   *   link names none, without the lesson when it is broken
   */
  follow(hash) {
    const link = decodeLesson(hash, this.hooks.catalogues());
    if (!link || (link.raw === this.json && link.at === this.at && !link.error)) return hash;
    if (!link.lesson) {
      this.hooks.onMessage({
        message: `This lesson link cannot be opened. ${link.error}`,
        hint: "Nothing from it was run; ask for a new link.",
      });
      return link.view;
    }
    // A new lesson's link may name the view to show (it was copied mid-lesson, or the page was
    // reloaded); another step of the lesson open shows that step.
    const keepView =
      link.raw !== this.json &&
      ["sample", "steps", "lab"].some((key) => new URLSearchParams(link.view.slice(1)).has(key));
    this.open(link.lesson, link.at);
    this.hooks.onMessage(link.error ? { message: link.error } : null);
    return this.withLesson(keepView ? link.view : stepView(link.lesson.steps[link.at]));
  }

  /** @param {Lesson} lesson @param {number} at */
  open(lesson, at) {
    this.lesson = lesson;
    this.json = JSON.stringify(lesson);
    this.at = at;
    this.render();
  }

  /** Show step `at` (from 0). @returns {boolean} whether there is such a step */
  go(at) {
    if (!this.lesson || at < 0 || at >= this.lesson.steps.length) return false;
    this.at = at;
    this.render();
    this.hooks.show(stepView(this.lesson.steps[at]));
    return true;
  }

  next = () => this.go(this.at + 1);
  previous = () => this.go(this.at - 1);

  askToAdd() {
    const step = this.hooks.current();
    if (typeof step === "string") return this.hooks.onMessage({ message: step });
    this.ask(
      false,
      "Add this view to the lesson",
      "Add to the lesson",
      step.title.slice(0, LESSON_LIMITS.title),
      "",
    );
  }

  askToEdit() {
    if (!this.lesson) return;
    const step = this.lesson.steps[this.at];
    this.ask(
      true,
      `Edit the words of step ${this.at + 1}`,
      "Save the words",
      step.title,
      step.text,
    );
  }

  /** Open the dialog for the lesson's title and a step's title and text. @param {boolean} editing @param {string} heading @param {string} submit @param {string} title @param {string} text */
  ask(editing, heading, submit, title, text) {
    const { dialog, lessonTitle, stepTitle, stepText } = this.el;
    this.editing = editing;
    this.el.heading.textContent = heading;
    this.el.submit.textContent = submit;
    lessonTitle.value = this.lesson?.title ?? "";
    stepTitle.value = title;
    stepText.value = text;
    dialog.returnValue = "";
    dialog.showModal();
  }

  /** The dialog's words: the lesson's title, and the step's title and text. */
  words() {
    const { lessonTitle, stepTitle, stepText } = this.el;
    return {
      title: lessonTitle.value.trim() || "Untitled lesson",
      step: { title: stepTitle.value.trim(), text: stepText.value.trim() },
    };
  }

  /** Append the view shown, with the dialog's words, and make it the step shown. */
  add() {
    const step = this.hooks.current();
    if (typeof step === "string") return this.hooks.onMessage({ message: step });
    const { title, step: words } = this.words();
    const steps = [...(this.lesson?.steps ?? []), { ...step, ...words }];
    this.change(
      { title, steps },
      steps.length - 1,
      `Step ${steps.length} added.`,
      "This view cannot be added to the lesson.",
    );
  }

  /** Put the dialog's words on the step shown; its view stays as it was added. */
  edit() {
    if (!this.lesson) return;
    const { title, step: words } = this.words();
    const steps = this.lesson.steps.map((step, i) =>
      i === this.at ? { ...step, ...words } : step,
    );
    this.change(
      { title, steps },
      this.at,
      `Step ${this.at + 1} changed.`,
      "The step cannot be changed.",
    );
  }

  /**
   * Show a changed lesson at step `at`, once it is checked exactly as a link or file is (what is
   * saved must open again). @param {{title: string, steps: any[]}} changed @param {number} at
   * @param {string} done the status to show @param {string} refused the message if it is refused
   */
  change(changed, at, done, refused) {
    const { lesson, error } = parseLesson(JSON.stringify(changed), this.hooks.catalogues());
    if (!lesson) return this.hooks.onMessage({ message: `${refused} ${error}` });
    this.open(lesson, at);
    this.hooks.onMessage(null);
    this.status(done);
    history.replaceState(null, "", this.withLesson(viewOf(location.hash)));
  }

  remove() {
    if (!this.lesson) return;
    const steps = this.lesson.steps.filter((_, i) => i !== this.at);
    if (!steps.length) return this.close();
    this.open({ ...this.lesson, steps }, Math.min(this.at, steps.length - 1));
    this.status(`Step removed; ${steps.length} left.`);
    this.go(this.at);
  }

  /** Move the step shown `by` places (-1: earlier, 1: later); it stays the step shown. @param {number} by */
  move(by) {
    const to = this.at + by;
    if (!this.lesson || to < 0 || to >= this.lesson.steps.length) return;
    const steps = [...this.lesson.steps];
    [steps[this.at], steps[to]] = [steps[to], steps[this.at]];
    this.change(
      { ...this.lesson, steps },
      to,
      `Step moved to place ${to + 1} of ${steps.length}.`,
      "The step cannot be moved.",
    );
  }

  close() {
    this.lesson = null;
    this.json = "";
    this.render();
    this.status("");
    history.replaceState(null, "", viewOf(location.hash));
  }

  async copyLink() {
    if (!this.lesson) return;
    const url = `${location.origin}${location.pathname}#${encodeLesson(this.lesson, 0)}`;
    this.status("");
    const copied = await copyText(
      this.el.copy,
      url,
      `the lesson link (${this.lesson.steps.length} steps, opens at step 1)`,
    );
    if (!copied)
      this.hooks.onMessage({
        message: "The browser did not let the page copy the lesson link.",
        hint: "Save the lesson file and share that instead.",
      });
  }

  save() {
    if (!this.lesson) return;
    const name =
      this.lesson.title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "") || "lesson";
    download(
      new Blob([`${JSON.stringify(this.lesson, null, 2)}\n`], { type: "application/json" }),
      `${name}.lesson.json`,
    );
    this.status(`Saved ${name}.lesson.json.`);
  }

  /** @param {File} file */
  async openFile(file) {
    const refuse = (/** @type {string} */ why) =>
      this.hooks.onMessage({
        message: `“${file.name}” cannot be opened as a lesson. ${why}`,
        hint: "Nothing from it was run; the page is as it was.",
      });
    if (file.size > 4 * LESSON_LIMITS.json)
      return refuse(
        `It is ${(file.size / 1e6).toFixed(1)} MB; a lesson is at most a few hundred kB.`,
      );
    const { lesson, error } = parseLesson(await file.text(), this.hooks.catalogues());
    if (!lesson) return refuse(/** @type {string} */ (error));
    this.hooks.onMessage(null);
    this.open(lesson, 0);
    this.status(`Opened “${file.name}”: ${lesson.steps.length} steps.`);
    this.go(0);
  }

  /** @param {string} text */
  status(text) {
    this.el.status.textContent = text;
  }

  render() {
    const { el, lesson, at } = this;
    this.query = lesson ? encodeLesson(lesson, at) : "";
    el.bar.hidden = !lesson;
    // before a lesson exists only its two starts show, and the status says where to begin
    for (const b of [el.edit, el.remove, el.earlier, el.later, el.copy, el.save, el.close])
      b.hidden = !lesson;
    if (!lesson) {
      this.status(START);
      return;
    }
    if (el.status.textContent === START) this.status("");
    const step = lesson.steps[at];
    el.title.textContent = lesson.title;
    el.step.textContent = `Step ${at + 1} of ${lesson.steps.length}${step.title ? `: ${step.title}` : ""}`;
    el.text.textContent = step.text;
    el.text.hidden = !step.text;
    el.previous.disabled = el.earlier.disabled = at === 0;
    el.next.disabled = el.later.disabled = at === lesson.steps.length - 1;
  }
}
