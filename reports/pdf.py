"""The PDF renderer: a template, a context and the reader's language in, A4 PDF bytes out."""

import logging
import mimetypes
import posixpath
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

# WeasyPrint logs every layout step at INFO; the logs need its warnings only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Relative and root-relative addresses in a report resolve against this origin, which never
# resolves on any network (.invalid is reserved); the fetcher maps its /static/ to our files.
BASE_URL = "https://renewal.invalid/"


@cache
def _fetcher_class():
    # WeasyPrint is heavy to import; only the processes that print pay for it.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        """WeasyPrint's fetcher for our reports: the app's own static files and nothing else."""

        def fetch(self, url, headers=None):
            path = static_file(url)
            if path is None:
                raise ValueError(f"A report may only use the app's static files, not {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticFilesOnly


def url_fetcher():
    """The fetcher every report renders with. Report text comes from people (a KPI name, a
    note), so an address in it must never make the server read its own files (file:///etc/passwd),
    reach its network or the internet: anything but our static files is refused, and WeasyPrint
    leaves it out of the PDF."""
    return _fetcher_class()()


def static_file(url: str) -> Path | None:
    """The file of ours behind a report's address under /static/, or None."""
    prefix = urljoin(BASE_URL, settings.STATIC_URL)
    address = urlsplit(url)
    address = address._replace(query="", fragment="").geturl()
    if not address.startswith(prefix):
        return None
    name = unquote(address.removeprefix(prefix))
    # "..", "./", a backslash or a leading slash would be a way out of the static directories.
    if name != posixpath.normpath(name) or name.startswith(("/", "..")) or set(name) & {"\\", "\0"}:
        return None
    try:
        if staticfiles_storage.exists(name):  # collected, with the manifest's hashed names
            found = staticfiles_storage.path(name)
        else:
            found = finders.find(name)
    except SuspiciousFileOperation:
        return None
    path = Path(found) if isinstance(found, str) else None
    return path if path is not None and path.is_file() else None


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).write_pdf()


def render_pdf(template: str, context: dict, language: str | None = None) -> bytes:
    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
        return html_to_pdf(html)


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
