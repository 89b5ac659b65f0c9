"""The PDF renderer: a template, a context and the reader's language in, A4 PDF bytes out."""

import logging

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

# WeasyPrint logs every layout step at INFO; the logs need its warnings only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render_pdf(template: str, context: dict, language: str | None = None) -> bytes:
    # WeasyPrint is heavy to import; only the processes that print pay for it.
    from weasyprint import HTML

    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
