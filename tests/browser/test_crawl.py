"""The whole demo, page by page: every demo role follows the app's own links breadth-first from
its landing page, in English, Finnish and Swedish, at a meeting-room laptop's 1366x768 and at a
tablet's 768 px, and on every page it reaches

- nothing is cut off: the page is no wider than the window, no table is wider than its box, and
  no cell, link, button or field sticks out of a box that clips or scrolls it;
- the browser reports no console error (a CSP refusal among them), JavaScript error or failed load;
- the HTML the server sent passes the Nu Html Checker (vnu.jar, `make vnu`), htmx's `hx-*`
  attributes allowed.

The crawl skips what is not a page to read: sign-out, the language switch, the admin, the API and
downloads (CSV, XLSX, PDF). It opens each kind of page (`/initiatives/<n>/items/steps/<n>/`, a phase
with its number) once, for the first role that reaches it, so it sees every kind of page without
reading all thirteen initiatives' forms: about 60 kinds of page, each in three languages at
two widths. Measured on two cores: 82 s with the demo seed (3 minutes while other jobs kept the
machine at load 10); lower MAX_PAGES or WORKSPACES if it grows past two minutes.
"""

import json
import re
import shutil
import subprocess
import time
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Page

# The demo's roles, and someone not signed in (the sign-in and public pages).
SIGNED_OUT = "signed-out"
ROLES = ["leader", "member", "viewer", "officer", "outsider", SIGNED_OUT]
LANGUAGES = ["en", "fi", "sv"]
LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 768, "height": 1024}
MAX_PAGES = 20
# Initiative pages per role: each shows the phase its initiative is in, with that phase's tables.
WORKSPACES = 3
WORKSPACE = re.compile(r"/initiatives/\d+/")

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / ".cache" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# htmx's attributes are not in the HTML standard; the checker calls each one "not allowed".
VNU_ALLOWED = r".*Attribute “hx-[a-z-]+” not allowed on element.*"

SKIPPED_PATHS = re.compile(
    r"^/(accounts/logout|i18n/|admin/|api/v1/)|\.(csv|xlsx|pdf)$|/download/$|/export\b"
)

# Everything on the page that sticks out sideways, as sentences. A table may sit in a box that
# scrolls (.table-scroll) only as long as it fits in it: a column or an Edit link that needs
# scrolling to be seen counts as cut off.
LAYOUT_PROBLEMS = """
() => {
  const problems = [];
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    else if (el.classList.length) name += "." + [...el.classList].join(".");
    const text = (el.innerText || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return text ? `${name} "${text}"` : name;
  };
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    problems.push(`the page is ${root.scrollWidth} px wide in a ${root.clientWidth} px window`);
  }
  const main = document.querySelector("main") || document.body;
  const visible = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") {
        const r = a.getBoundingClientRect();
        return { left: r.left, right: Math.min(r.right, root.clientWidth) };
      }
    }
    return { left: 0, right: root.clientWidth };
  };
  const outside = (el, edge) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && (r.right > edge.right + 1 || r.left < edge.left - 1);
  };
  const wide = [];
  for (const table of main.querySelectorAll("table")) {
    const box = table.parentElement;
    if (table.getBoundingClientRect().width === 0 || box.scrollWidth <= box.clientWidth + 1) continue;
    wide.push(table);
    const edge = visible(table);
    const cut = [...table.querySelectorAll("thead th, tbody tr:first-child > *")]
      .filter((cell) => outside(cell, edge)).map((cell) => `"${cell.innerText.trim().slice(0, 25)}"`);
    problems.push(`${describe(table.querySelector("caption") || table)}: the table is ${box.scrollWidth} px wide in a ${box.clientWidth} px box; cut off: ${cut.join(", ") || "nothing yet"}`);
  }
  const seen = new Set();
  for (const el of main.querySelectorAll("a, button, input, select, textarea, label, .status, .tag, .signal")) {
    if (el.closest(".visually-hidden, .js-plotly-plot") || wide.some((t) => t.contains(el))) continue;
    if (!outside(el, visible(el))) continue;
    const r = el.getBoundingClientRect();
    const key = describe(el);
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(`${key} is cut off (${Math.round(r.left)}–${Math.round(r.right)} px)`);
    }
  }
  return problems;
}
"""

# Same-origin links on the page, without fragments.
LINKS = "() => [...document.querySelectorAll('a[href]:not([download])')].map((a) => a.href)"


def shape(path: str) -> str:
    """The kind of page a path is: `/initiatives/<n>/items/steps/<n>/`. A phase keeps its
    number, as each phase has its own tables, and an initiative's page is its own kind: it shows
    the phase the initiative is in."""
    path = urlsplit(path).path
    if WORKSPACE.fullmatch(path):
        return path
    # The forms of a phase's items, sections and spend rows are one template each.
    path = re.sub(r"/(items|section)/[a-z-]+/", r"/\1/<kind>/", path)
    path = re.sub(r"/spend/(years|months)/", "/spend/<kind>/", path)
    return re.sub(r"(?<!phase/)\d+", "<n>", path)


# Resolves once htmx has no request in flight and every chart is drawn (charts.js counts its
# points into data-points), two frames later; after two seconds at most.
SETTLED = """
() => new Promise((done) => {
  const start = performance.now();
  const ready = () => !document.querySelector(".htmx-request") &&
    [...document.querySelectorAll("[data-figure]")].every((chart) => "points" in chart.dataset);
  const tick = () => {
    if (ready() || performance.now() - start > 2000) requestAnimationFrame(() => requestAnimationFrame(done));
    else setTimeout(tick, 25);
  };
  tick();
})
"""


def settle(page: Page) -> None:
    """Wait until the page's own requests (htmx's count, charts) are done and drawn."""
    page.evaluate(SETTLED)


# After a resize Plotly redraws its charts on a timer; this waits for the redraws.
CHARTS_RESIZED = """
() => Promise.all([...document.querySelectorAll(".js-plotly-plot")].map((chart) => window.Plotly.Plots.resize(chart)))
"""


def sign_in(page: Page, server_url: str, username: str) -> None:
    """A session cookie for the user, set straight in the browser: the crawl is about the pages
    behind the sign-in, not the sign-in form (other tests drive that)."""
    page.context.clear_cookies()
    if username == SIGNED_OUT:
        return
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": server_url}]
    )


def set_language(page: Page, server_url: str, language: str) -> None:
    page.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": server_url}]
    )


class Crawl:
    """What one role's crawl found: the problems per page, and each page's HTML as sent."""

    def __init__(self, page: Page, server_url: str, html_dir: Path):
        self.page, self.server_url, self.html_dir = page, server_url, html_dir
        self.origin = urlsplit(server_url).netloc
        self.problems: dict[str, list[str]] = {}
        self.timings: list[float] = []

    def note(self, where: str, problem: str) -> None:
        self.problems.setdefault(where, []).append(problem)

    def internal(self, url: str) -> str | None:
        """The path and query of a link worth following, or None."""
        url = urldefrag(url).url
        parts = urlsplit(url)
        if parts.netloc != self.origin or parts.scheme not in ("http", "https"):
            return None
        if SKIPPED_PATHS.search(parts.path):
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def visit(self, path: str, where: str) -> bool:
        """Open the page, save what the server sent, check its layout at both widths."""
        self.page.set_viewport_size(LAPTOP)
        started = time.monotonic()
        response = self.page.goto(f"{self.server_url}{path}")
        self.timings.append(time.monotonic() - started)
        if response is None or not response.ok:
            self.note(where, f"HTTP {response.status if response else 'no response'}")
            return False
        if "text/html" not in response.headers.get("content-type", ""):
            return False
        name = re.sub(r"[^A-Za-z0-9]+", "_", where).strip("_")
        (self.html_dir / f"{name}.html").write_bytes(response.body())
        settle(self.page)
        for problem in self.page.evaluate(LAYOUT_PROBLEMS):
            self.note(where, f"at 1366 px: {problem}")
        self.page.set_viewport_size(TABLET)
        self.page.evaluate(CHARTS_RESIZED)
        settle(self.page)
        for problem in self.page.evaluate(LAYOUT_PROBLEMS):
            self.note(where, f"at 768 px: {problem}")
        return True

    def run(self, role: str, checked: set[str]) -> list[str]:
        """Breadth-first from the role's landing page in English, opening each kind of page not
        yet in `checked` once (and WORKSPACES initiative pages); returns the paths visited, which the other languages then open."""
        set_language(self.page, self.server_url, "en")
        self.page.goto(f"{self.server_url}/")
        start = self.internal(self.page.url)
        queue, queued, visited = deque([start]), {start}, []
        workspaces = 0
        while queue and len(visited) < MAX_PAGES:
            path = queue.popleft()
            if path != start and shape(path) in checked:
                continue
            if WORKSPACE.fullmatch(path):
                if workspaces == WORKSPACES:
                    continue
                workspaces += 1
            checked.add(shape(path))
            if not self.visit(path, f"{role} en {path}"):
                continue
            visited.append(path)
            for link in self.page.evaluate(LINKS):
                found = self.internal(link)
                if found and found not in queued:
                    queued.add(found)
                    queue.append(found)
        return visited


def check_html(html_dir: Path) -> list[str]:
    """The Nu Html Checker's errors in the saved pages, one sentence each."""
    java = shutil.which("java")
    assert java, "Java is needed for the Nu Html Checker: apt-get install default-jre-headless"
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: `make vnu` installs it (npm install vnu-jar)"
    files = sorted(str(p) for p in html_dir.glob("*.html"))
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--stdout",
            "--filterpattern",
            VNU_ALLOWED,
            *files,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stdout or '{"messages": []}')["messages"]
    return [
        f"{Path(m.get('url', '')).stem} line {m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]


def test_every_page_every_role_every_language(page: Page, server_url, browser_problems, tmp_path):
    problems: dict[str, list[str]] = {}
    checked: set[str] = set()
    reached = {}
    for role in ROLES:
        sign_in(page, server_url, role)
        crawl = Crawl(page, server_url, tmp_path)
        paths = reached[role] = crawl.run(role, checked)
        for language in LANGUAGES[1:]:
            set_language(page, server_url, language)
            for path in paths:
                crawl.visit(path, f"{role} {language} {path}")
        problems.update(crawl.problems)
    # Every role lands somewhere and goes on from there; between them they reach the phase
    # workspaces and the funding officer's pages.
    assert all(reached.values()), reached
    assert {"/initiatives/<n>/phase/3/", "/funding/applications/<n>/"} <= checked, checked
    cut = [f"{where}: {problem}" for where, found in problems.items() for problem in found]
    invalid = check_html(tmp_path)
    report = {
        "cut off or not found": cut,
        "console errors and failed loads": browser_problems,
        "invalid HTML (Nu Html Checker)": invalid,
    }
    assert not (cut or browser_problems or invalid), "\n\n".join(
        f"{title}:\n" + "\n".join(found) for title, found in report.items() if found
    )
