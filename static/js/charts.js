// Draws every Plotly chart on the page from its figure JSON (a json_script element), also in
// content htmx swaps in or restores from history. No inline scripts, so the page runs under a
// strict CSP. A point whose customdata is a URL drills down to it when clicked.
(function () {
  function draw(root) {
    if (!window.Plotly || !root || !root.querySelectorAll) return;
    const charts = root.matches && root.matches("[data-figure]") ? [root] : root.querySelectorAll("[data-figure]");
    charts.forEach((el) => {
      const source = document.getElementById(el.dataset.figure);
      if (!source) return;
      const figure = JSON.parse(source.textContent);
      // A page restored from htmx's history cache holds a dead copy of the old chart.
      if (!el._fullLayout) el.replaceChildren();
      // The toolbar shows on hover only and stays out of the Tab order (see untab below).
      const config = { displaylogo: false, responsive: true, displayModeBar: "hover", modeBarButtonsToRemove: ["select2d", "lasso2d", "sendDataToCloud"], showSendToCloud: false, showEditInChartStudio: false };
      // The toolbar's words and the number and date formats in the page's language.
      const locale = document.getElementById("plotly-locale");
      if (locale) {
        const { name, dictionary, format } = JSON.parse(locale.textContent);
        config.locale = name;
        config.locales = { [name]: { dictionary, format } };
      }
      window.Plotly.react(el, figure.data, figure.layout, config).then(() => {
        // A caption or table beside the chart carries its content, so screen readers skip the
        // drawing itself (axis ticks, legend); the toolbar buttons stay reachable.
        el.querySelectorAll("svg.main-svg").forEach((svg) => svg.setAttribute("aria-hidden", "true"));
        // The number of plotted points, for tests and for people inspecting the page.
        el.dataset.points = String(figure.data.reduce((n, trace) => n + (trace.x ? trace.x.length : 0), 0));
        // Every chart's figures are also in a table or list beside it; a dozen toolbar buttons
        // per chart would stand between a keyboard user and the next field.
        const untab = () => el.querySelectorAll(".modebar-btn").forEach((button) => button.setAttribute("tabindex", "-1"));
        untab();
        if (!el.dataset.drilldown) {
          el.dataset.drilldown = "1";
          el.on("plotly_afterplot", untab);
          el.on("plotly_click", (event) => {
            const url = event.points && event.points[0] && event.points[0].customdata;
            if (typeof url === "string" && url.startsWith("/")) window.location.assign(url);
          });
        }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", () => draw(document));
  document.addEventListener("htmx:load", (event) => draw(event.detail.elt));
  document.addEventListener("htmx:historyRestore", () => draw(document));
})();
