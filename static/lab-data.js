// @ts-check
// "Your data" for a lab that takes data: paste a table or open a .csv, .txt or .npy file, pick
// its columns, see a preview. Python checks the data (ndlab.labs.data) and names the line and
// column of anything wrong; this module only reads files and picks columns, keeping line numbers.
// A small table travels in the lab's link (permalink.js); the status says whether it does.
import { MAX_LAB_DATA } from "./permalink.js";

/** Column separators, as ndlab.labs.data.parse_table splits them. */
const SEPARATOR = /\s*[,;\t]\s*|\s+/;
const PREVIEW_ROWS = 5;
/** Typed arrays for the .npy dtypes a table can have (little-endian, as NumPy writes them). */
const NPY_TYPES = {
  "<f8": Float64Array,
  "<f4": Float32Array,
  "<i8": BigInt64Array,
  "<i4": Int32Array,
  "<i2": Int16Array,
  "|i1": Int8Array,
  "|u1": Uint8Array,
  "<u2": Uint16Array,
  "<u4": Uint32Array,
  "<u8": BigUint64Array,
};

/**
 * A 1-D or 2-D .npy array as a table in text, one row per line (numbers written exactly).
 * @param {ArrayBuffer} buffer the file's bytes
 * @returns {string}
 */
export function npyToText(buffer) {
  const bytes = new Uint8Array(buffer);
  if (bytes[0] !== 0x93 || new TextDecoder().decode(bytes.slice(1, 6)) !== "NUMPY")
    throw new Error("This is not a .npy file.");
  const view = new DataView(buffer);
  const start = bytes[6] === 1 ? 10 : 12;
  const length = bytes[6] === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const header = new TextDecoder().decode(bytes.slice(start, start + length));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1] ?? "";
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? "")
    .split(",")
    .filter((s) => s.trim())
    .map(Number);
  const Type = NPY_TYPES[/** @type {keyof NPY_TYPES} */ (descr)];
  if (!Type)
    throw new Error(`The .npy file holds ${descr || "an unknown type"}; a table needs numbers.`);
  if (/'fortran_order':\s*True/.test(header))
    throw new Error(
      "The .npy file is in Fortran order; save it with np.save from a C-ordered array.",
    );
  if (shape.length < 1 || shape.length > 2)
    throw new Error(`A table is 1-D or 2-D; the .npy array has shape (${shape.join(", ")}).`);
  const [rows, cols = 1] = shape;
  const offset = start + length;
  const values = new Type(buffer.slice(offset, offset + rows * cols * Type.BYTES_PER_ELEMENT));
  const lines = [];
  for (let r = 0; r < rows; r++)
    lines.push(Array.from(values.subarray(r * cols, (r + 1) * cols), String).join(", "));
  return lines.join("\n");
}

/** A line that holds data (not blank, not a comment). @param {string} line */
const isData = (line) => line.trim() !== "" && !line.trim().startsWith("#");

/** Whether the lab's link carries a table, and why not. @param {string} table the table in use */
function linkNote(table) {
  const size = `${table.length} characters of text, at most ${MAX_LAB_DATA}`;
  return table.length <= MAX_LAB_DATA
    ? `The lab's link carries it (${size}).`
    : `It is too large for a link (${size}): the lab's link opens the lab on its own data. Share your file instead.`;
}

/**
 * The parameters that change nothing while the learner's `table` is in use, and why: those that
 * shape only the data the lab makes itself, and, when the table gives the columns a table may
 * leave out, those the lab uses without them (as ndlab.labs.data.Data.unused says).
 * @param {any} spec the lab's data spec @param {string | null} table the table in use, or null
 * @returns {Map<string, string>}
 */
export function unusedWith(spec, table) {
  const unused = new Map();
  if (!spec || table === null) return unused;
  for (const name of spec.makes ?? []) unused.set(name, "it shapes the data the lab makes itself");
  const first = table.split(/\r?\n/).find(isData);
  if (spec.kind === "table" && first?.trim().split(SEPARATOR).length === spec.columns.length) {
    const columns = spec.optional === 1 ? "column" : `${spec.optional} columns`;
    const why = `it applies only to a table without its first ${columns} (${spec.columns.slice(0, spec.optional).join(", ")})`;
    for (const name of spec.alone ?? []) unused.set(name, why);
  }
  return unused;
}

export class LabData {
  /**
   * @param {HTMLDetailsElement} panel the element holding the controls (filled here)
   * @param {(text: string | null) => void} onData called with the table to use, or null for the lab's own data
   */
  constructor(panel, onData) {
    this.panel = panel;
    this.onData = onData;
    /** @type {any} the lab's data spec from the catalogue */ this.spec = null;
    const summary = Object.assign(document.createElement("summary"), { textContent: "Your data" });
    this.help = document.createElement("p");
    this.text = Object.assign(document.createElement("textarea"), {
      id: "lab-data-text",
      rows: 5,
      spellcheck: false,
    });
    this.text.setAttribute(
      "aria-label",
      "Your table: one row per line, columns separated by commas, spaces or tabs",
    );
    this.file = Object.assign(document.createElement("input"), {
      type: "file",
      id: "lab-data-file",
      accept: ".csv,.txt,.npy",
    });
    this.file.setAttribute("aria-label", "Open a .csv, .txt or .npy file");
    this.preview = Object.assign(document.createElement("div"), { className: "lab-data-preview" });
    this.use = Object.assign(document.createElement("button"), {
      type: "button",
      id: "lab-data-use",
      textContent: "Use this data",
    });
    this.reset = Object.assign(document.createElement("button"), {
      type: "button",
      className: "secondary",
      textContent: "Back to the lab's own data",
    });
    this.status = Object.assign(document.createElement("p"), {
      className: "lab-data-status",
      role: "status",
    });
    const actions = Object.assign(document.createElement("div"), { className: "lab-data-actions" });
    actions.append(this.use, this.reset);
    panel.replaceChildren(
      summary,
      this.help,
      this.text,
      this.file,
      this.preview,
      actions,
      this.status,
    );
    /** @type {boolean[]} which pasted columns are used */ this.picked = [];
    this.text.addEventListener("input", () => this.showPreview(true));
    this.file.addEventListener("change", () => this.readFile());
    this.use.addEventListener("click", () => {
      const table = this.table();
      this.status.textContent = `Your data is in use. ${linkNote(table)}`;
      this.onData(table);
    });
    this.reset.addEventListener("click", () => {
      this.status.textContent = "";
      this.onData(null);
    });
  }

  /**
   * Show the panel for a lab's data spec (hidden for labs without data or on images).
   * @param {any} spec @param {string | null} linked the table a link brought, shown open and in use
   */
  show(spec, linked = null) {
    this.spec = spec;
    this.panel.hidden = !spec || spec.kind === "image";
    if (this.panel.hidden) return;
    // what the data is, the lab's own sentence, is said beside its title (labs.js): here only how to give it
    this.help.textContent = `Paste a table (${this.needs()}) or open a file; a first line of column names is welcome. Tick the columns to use, then use it.`;
    this.text.value = linked ?? "";
    this.status.textContent =
      linked === null ? "" : `The link's table is in use. ${linkNote(linked)}`;
    if (linked !== null) this.panel.open = true;
    this.showPreview(true, linked !== null); // a link's table holds the columns used, and only them
  }

  /** What the lab's data must hold: its columns and number of rows. */
  needs() {
    const spec = this.spec;
    if (!spec) return "";
    const alone = spec.optional ? ` or ${spec.columns.slice(spec.optional).join(", ")} alone` : "";
    const columns =
      spec.kind === "matrix"
        ? "a matrix, one row per line"
        : `columns: ${spec.columns.join(", ")}${alone}`;
    return `${columns}; ${spec.min_rows.toLocaleString("en")} to ${spec.max_rows.toLocaleString("en")} rows`;
  }

  /** Say that Python refused the table in use (the lab's message says what to do). @param {string} why */
  refused(why) {
    this.status.textContent = `Your data was refused (${why}): the results shown are not from it.`;
  }

  /** Say that the link's table could not be used (the lab's message says why). */
  dropped() {
    this.status.textContent = "The link's table could not be used: the lab runs on its own data.";
  }

  async readFile() {
    const file = this.file.files?.[0];
    if (!file) return;
    try {
      this.text.value = file.name.toLowerCase().endsWith(".npy")
        ? npyToText(await file.arrayBuffer())
        : await file.text();
      this.status.textContent = `Read ${file.name}.`;
    } catch (error) {
      this.status.textContent = /** @type {Error} */ (error).message;
    }
    this.showPreview(true);
  }

  /** The lines of the pasted table, each split into its cells (blank and comment lines: null). */
  cells() {
    return this.text.value
      .split(/\r?\n/)
      .map((line) => (isData(line) ? line.trim().split(SEPARATOR) : null));
  }

  /** The index of the line of column names (the first data line, when it is not numbers but the next is), or -1. */
  headerLine() {
    const lines = this.cells();
    const first = lines.findIndex((row) => row !== null);
    const next = lines.findIndex((row, i) => i > first && row !== null);
    const numeric = (/** @type {string[] | null} */ row) =>
      row !== null && row.every((cell) => cell !== "" && !Number.isNaN(Number(cell)));
    return first >= 0 && !numeric(lines[first]) && (next < 0 || numeric(lines[next])) ? first : -1;
  }

  /**
   * The columns to use at first: those whose names share a word with the lab's columns, then the
   * first others, as many as the lab takes (all of them when `all`).
   * @param {string[]} names the table's column names ("" where it has none) @param {boolean} all
   */
  firstPick(names, all) {
    const wanted = this.spec?.kind === "table" && !all ? this.spec.columns.length : names.length;
    const words = (/** @type {string} */ text) =>
      text
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w.length > 0);
    const labWords = new Set(this.spec?.kind === "table" ? this.spec.columns.flatMap(words) : []);
    const order = names.map((_, i) => i);
    const matches = (/** @type {number} */ i) => words(names[i]).some((w) => labWords.has(w));
    const ranked = [...order.filter(matches), ...order.filter((i) => !matches(i))].slice(0, wanted);
    return order.map((i) => ranked.includes(i));
  }

  /**
   * Draw the first rows with a checkbox per column.
   * @param {boolean} repick choose the columns again: the lab's number of them, or all if `all`
   * @param {boolean} all
   */
  showPreview(repick, all = false) {
    const lines = this.cells();
    const header = this.headerLine();
    const rows = /** @type {string[][]} */ (lines.filter((row, i) => row !== null && i !== header));
    const width = Math.max(0, ...rows.map((row) => row.length));
    const names = Array.from({ length: width }, (_, i) =>
      header >= 0 ? (lines[header]?.[i] ?? "") : "",
    );
    if (repick || this.picked.length !== width) this.picked = this.firstPick(names, all);
    this.use.disabled = rows.length === 0;
    if (!rows.length) return this.preview.replaceChildren();
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    this.picked.forEach((on, i) => {
      const box = Object.assign(document.createElement("input"), { type: "checkbox", checked: on });
      const name = names[i] || `column ${i + 1}`;
      box.setAttribute("aria-label", `Use ${name}`);
      box.addEventListener("change", () => (this.picked[i] = box.checked));
      const cell = document.createElement("th");
      const label = document.createElement("label");
      label.append(box, ` ${name}`);
      cell.append(label);
      head.append(cell);
    });
    const body = table.createTBody();
    for (const row of rows.slice(0, PREVIEW_ROWS)) {
      const line = body.insertRow();
      for (let i = 0; i < width; i++) line.insertCell().textContent = row[i] ?? "";
    }
    // the table's size, on a line of its own above it (a caption would wrap to the table's width)
    const size = Object.assign(document.createElement("p"), {
      id: "lab-data-size",
      className: "lab-data-size",
      textContent: `${rows.length} line${rows.length === 1 ? "" : "s"} × ${width} column${width === 1 ? "" : "s"}${rows.length > PREVIEW_ROWS ? `; the first ${PREVIEW_ROWS}:` : ":"}`,
    });
    table.setAttribute("aria-describedby", size.id);
    this.preview.replaceChildren(size, table);
  }

  /**
   * The picked columns as a table in text, line for line (so Python's messages name the lines
   * pasted); the line of column names becomes a comment.
   */
  table() {
    const header = this.headerLine();
    return this.cells()
      .map((row, i) => {
        if (row === null) return "";
        const picked = row.filter((_, j) => this.picked[j] ?? true).join(", ");
        return i === header ? `# ${picked}` : picked;
      })
      .join("\n");
  }
}
