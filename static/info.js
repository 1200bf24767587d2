// @ts-check
// Shows an operation's extra results: scalar values as a list, a measurement table that sorts
// by any column and downloads as CSV.
import { download } from "./download.js";
import { format } from "./views/common.js";

/**
 * A size as ndlab says sizes everywhere (page, batch, Dask script): width×height, then the
 * channels, from an array's shape [rows, columns, channels?]: "160×120 RGB".
 * @param {number[]} shape
 */
export const sizeText = (shape) =>
  `${shape[1]}×${shape[0]}${shape.length === 3 ? ` ${shape[2] === 4 ? "RGBA" : "RGB"}` : ""}`;

/** One CSV line, fields with a comma, quote or line break quoted (RFC 4180). @param {any[]} row */
export const csvLine = (row) =>
  row
    .map((v) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v)))
    .join(",") + "\n";

/** @param {{columns: string[], rows: any[][]}} table */
const toCsv = (table) => [table.columns, ...table.rows].map(csvLine).join("");

/**
 * @param {HTMLElement} container
 * @param {Record<string, any>} info
 * @param {string} name used for the CSV file name
 */
export function renderInfo(container, info, name) {
  container.replaceChildren();
  const { table, ...values } = info ?? {};
  // the table's caption counts its rows ("24 objects"): the same count is not listed again
  if (table && values.objects === table.rows.length) delete values.objects;
  if (Object.keys(values).length) container.append(valuesView(values));
  if (table) container.append(tableView(table, name));
  container.hidden = !Object.keys(values).length && !table;
}

/** Named values as a definition list. @param {Record<string, any>} values */
export function valuesView(values) {
  const list = document.createElement("dl");
  list.className = "values";
  for (const [key, value] of Object.entries(values)) {
    list.append(
      Object.assign(document.createElement("dt"), { textContent: key.replaceAll("_", " ") }),
    );
    list.append(Object.assign(document.createElement("dd"), { textContent: format(value) }));
  }
  return list;
}

/**
 * A table that sorts by any column and downloads as CSV.
 * @param {{title?: string, columns: string[], rows: any[][]}} table @param {string} name
 */
export function tableView(table, name) {
  const wrap = document.createElement("div");
  wrap.className = "table";
  const count = table.title ?? `${table.rows.length} objects`;
  const caption = Object.assign(document.createElement("p"), {
    className: "table-caption",
    textContent: count,
  });
  const more = Object.assign(document.createElement("span"), { className: "scroll-hint" });
  const csv = Object.assign(document.createElement("button"), {
    type: "button",
    className: "small",
    textContent: "Download CSV",
  });
  csv.addEventListener("click", () =>
    download(new Blob([toCsv(table)], { type: "text/csv" }), `${name}.csv`),
  );
  caption.append(more, " ", csv);
  const element = document.createElement("table");
  const head = element.createTHead().insertRow();
  const body = element.createTBody();
  let sortBy = -1;
  let ascending = true;
  const fill = () => {
    const rows = [...table.rows];
    if (sortBy >= 0)
      rows.sort(
        (a, b) =>
          (a[sortBy] < b[sortBy] ? -1 : a[sortBy] > b[sortBy] ? 1 : 0) * (ascending ? 1 : -1),
      );
    body.replaceChildren(
      ...rows.map((row) => {
        const tr = document.createElement("tr");
        for (const value of row)
          tr.append(Object.assign(document.createElement("td"), { textContent: format(value) }));
        return tr;
      }),
    );
    head
      .querySelectorAll("th")
      .forEach((th, i) =>
        th.setAttribute(
          "aria-sort",
          i === sortBy ? (ascending ? "ascending" : "descending") : "none",
        ),
      );
  };
  table.columns.forEach((column, i) => {
    const th = document.createElement("th");
    const button = Object.assign(document.createElement("button"), {
      type: "button",
      textContent: column,
    });
    button.addEventListener("click", () => {
      ascending = sortBy === i ? !ascending : true;
      sortBy = i;
      fill();
    });
    th.append(button);
    head.append(th);
  });
  fill();
  // the rows scroll in a box of their own: say so while some are out of sight
  const rows = Object.assign(document.createElement("div"), {
    className: "table-rows",
    tabIndex: 0,
  });
  rows.setAttribute("aria-label", `${count}: the table`);
  new ResizeObserver(() => {
    more.textContent =
      rows.scrollHeight > rows.clientHeight + 1 ? " · scroll the table for every row ↓" : "";
  }).observe(rows);
  rows.append(element);
  wrap.append(caption, rows);
  return wrap;
}
