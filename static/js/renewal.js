// Small progressive enhancements; every page works without them.

// Focus follows the eye. After a failed submit it lands on the form's error summary (which links
// to each field), or on the first invalid field of a small form without one; after a save, on the
// confirmation (data-focus); when an "add" or "edit" opens a form in the page, on its first field,
// with the form scrolled into view.
const FIELDS = "input:not([type='hidden']):not([disabled]), select:not([disabled]), textarea:not([disabled])";
const smooth = () => (window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth");

function focusWithin(region, openedForm) {
  const summary = region.querySelector(".error-summary");
  const target = summary || region.querySelector("[aria-invalid='true']") || region.querySelector("[data-focus]");
  if (target) {
    if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
    return;
  }
  const form = openedForm && (region.matches("form") ? region : region.querySelector("form"));
  const field = form && form.querySelector(FIELDS);
  if (field) {
    form.scrollIntoView({ block: "nearest", behavior: smooth() });
    field.focus({ preventScroll: true });
  }
}

document.addEventListener("htmx:afterSwap", (event) => {
  // An outerHTML swap replaces the target, so look the new element up by its id.
  const old = event.detail.target;
  const region = (old.id && document.getElementById(old.id)) || old;
  const verb = event.detail.requestConfig && event.detail.requestConfig.verb;
  focusWithin(region, verb === "get");
});

// A page that comes back with a form's errors (a submit without htmx) starts at its summary.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("main form .error-summary");
  if (summary) focusWithin(summary.closest("form"), false);
});

// A link in the error summary moves focus to its field, and shows the field's label above it.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
  const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!field) return;
  event.preventDefault();
  const label = field.closest(".field") || field;
  label.scrollIntoView({ block: "start", behavior: smooth() });
  field.focus({ preventScroll: true });
});

// A table wider than its column scrolls sideways inside .table-scroll. Keyboard users can only
// scroll it if the box takes focus, so a box that overflows becomes a named, focusable region.
function markScrollableTables(root) {
  if (!root.querySelectorAll) return;
  root.querySelectorAll(".table-scroll").forEach((box) => {
    const overflows = box.scrollWidth > box.clientWidth + 1;
    if (overflows && !box.hasAttribute("tabindex")) {
      const caption = box.querySelector("caption");
      const section = box.closest("section");
      const heading = section && section.querySelector("h2, h3, h4");
      const name = (caption || heading || { textContent: "" }).textContent.trim();
      box.tabIndex = 0;
      box.dataset.scrollFocus = "";
      if (name) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", name);
      }
    } else if (!overflows && "scrollFocus" in box.dataset) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.scrollFocus;
    }
  });
}

// A data table that cannot fit its box even with its text wrapped (many columns, long Finnish
// words, a tablet) is stacked: each row becomes a card of its cells, each cell labelled with its
// column's heading (data-label, shown by the CSS). Without script the table scrolls instead.
function labelCells(table) {
  const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
  if (!head) return false;
  const labels = [];
  for (const th of head.cells) for (let i = 0; i < th.colSpan; i++) labels.push(th.textContent.trim());
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      let column = 0;
      for (const cell of row.cells) {
        if (labels[column] && !cell.hasAttribute("data-label")) cell.dataset.label = labels[column];
        column += cell.colSpan;
      }
    }
  }
  // Cards drawn with CSS grid lose the table's semantics in browsers; the roles keep it a table
  // with column headers for screen readers.
  table.setAttribute("role", "table");
  table.querySelectorAll("thead, tbody, tfoot").forEach((group) => group.setAttribute("role", "rowgroup"));
  table.querySelectorAll("tr").forEach((row) => row.setAttribute("role", "row"));
  table.querySelectorAll("thead th").forEach((cell) => cell.setAttribute("role", "columnheader"));
  table.querySelectorAll("tbody th").forEach((cell) => cell.setAttribute("role", "rowheader"));
  table.querySelectorAll("td").forEach((cell) => cell.setAttribute("role", "cell"));
  return true;
}
function fitTables() {
  document.querySelectorAll("table.data").forEach((table) => {
    table.classList.remove("data--stacked");
    const box = table.parentElement;
    if (box.clientWidth && box.scrollWidth > box.clientWidth + 1 && labelCells(table)) table.classList.add("data--stacked");
  });
}
function fitPage() {
  fitTables();
  markScrollableTables(document);
}
document.addEventListener("DOMContentLoaded", fitPage);
document.addEventListener("htmx:load", fitPage);
window.addEventListener("load", fitPage);
window.addEventListener("resize", fitPage);
// A table inside a closed <details> has no width until it opens.
document.addEventListener("toggle", fitPage, true);

// Filter forms marked data-omit-empty leave their empty fields, and selects left at their first
// (default) option, out of the URL htmx pushes, so an address to share or bookmark reads
// "?phase=4", not a dozen empty parameters.
document.addEventListener("htmx:configRequest", (event) => {
  const form = event.detail.elt.closest("[data-omit-empty]");
  if (event.detail.verb !== "get" || !form) return;
  const parameters = event.detail.parameters;
  for (const key of Object.keys(parameters)) {
    const field = form.elements.namedItem(key);
    const isDefault = field instanceof HTMLSelectElement && !field.multiple && field.options.length > 0 && parameters[key] === field.options[0].value;
    if (parameters[key] === "" || isDefault) delete parameters[key];
  }
});
