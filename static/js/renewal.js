// Small progressive enhancements; every page works without them.
document.addEventListener("htmx:afterSwap", (event) => {
  // After an htmx swap, move focus to what the user needs next: the first error, or the confirmation.
  // An outerHTML swap replaces the target, so look the new element up by its id.
  const old = event.detail.target;
  const region = (old.id && document.getElementById(old.id)) || old;
  const focusable = region.querySelector("[aria-invalid='true']") || region.querySelector("[data-focus]");
  if (focusable) {
    if (!focusable.hasAttribute("tabindex") && focusable.tagName === "P") focusable.setAttribute("tabindex", "-1");
    focusable.focus();
  }
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
document.addEventListener("DOMContentLoaded", () => markScrollableTables(document));
document.addEventListener("htmx:load", (event) => markScrollableTables(event.detail.elt));
window.addEventListener("load", () => markScrollableTables(document));
window.addEventListener("resize", () => markScrollableTables(document));

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
