"""A report never fetches anything but the app's own static files: not the server's files, not its
network, not the internet, whatever address ends up in the HTML."""

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings
from pypdf import PdfReader

from reports.pdf import BASE_URL, html_to_pdf, url_fetcher

STATIC = f"{BASE_URL}static/"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/logo.png",
        "https://example.org/static/favicon.svg",
        "http://127.0.0.1:8000/static/favicon.svg",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://example.org/file",
        "data:text/plain,hello",
        f"{BASE_URL}etc/passwd",
        f"{BASE_URL}settings.py",
        f"{STATIC}../../etc/passwd",
        f"{STATIC}%2e%2e/%2e%2e/etc/passwd",
        f"{STATIC}css/../../renewal/settings.py",
        f"{STATIC}/etc/passwd",
        f"{STATIC}%2Fetc%2Fpasswd",
        f"{STATIC}..%5C..%5Crenewal%5Csettings.py",
        f"{STATIC}css",
        f"{STATIC}no-such-file.css",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(ValueError):
        url_fetcher().fetch(url)


def test_the_fetcher_serves_our_static_files():
    response = url_fetcher().fetch(f"{STATIC}favicon.svg?v=1")

    assert response.read() == (settings.BASE_DIR / "static" / "favicon.svg").read_bytes()
    assert response.content_type == "image/svg+xml"


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/svg+xml")
        self.end_headers()
        self.wfile.write(b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')

    def log_message(self, *args):
        pass


@pytest.fixture
def web_server():
    """A web server on this machine that records every request reaching it."""
    _Recorder.requests = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Recorder.requests
    server.shutdown()
    server.server_close()


def test_a_report_does_not_fetch_an_external_image_or_embed_a_server_file(web_server):
    address, requests = web_server
    html = f"""<html><head>
      <link rel="stylesheet" href="{address}/style.css">
      <link rel="attachment" href="file:///etc/passwd">
    </head><body>
      <p>Report</p>
      <img src="{address}/tracker.svg" alt="">
      <img src="file:///etc/hostname" alt="">
      <p style="background: url({address}/background.svg)">styled</p>
      <a rel="attachment" href="file:///etc/passwd">attached</a>
    </body></html>"""

    pdf = html_to_pdf(html)

    assert requests == []
    reader = PdfReader(io.BytesIO(pdf))
    assert not reader.attachments
    assert "Report" in reader.pages[0].extract_text()


def test_a_report_still_shows_our_own_static_image():
    def drawn(src: str) -> int:
        html = f'<html><body><img src="{src}" alt="" width="40"></body></html>'
        return len(PdfReader(io.BytesIO(html_to_pdf(html))).pages[0].get_contents().get_data())

    # The SVG favicon is drawn as vector content; a file we do not have leaves the page empty.
    assert drawn("/static/favicon.svg") > drawn("/static/no-such-image.svg") + 200
