"""Printing a numbered form as a PDF (issue 11 item 8; S2.4, S3.2, S3.5, S5.3).

A form is an HTML template extending ``documents/form.html`` (A4, the company's name at the
top, the form's title and number with a QR code of the number, the fields, the signatures at
the foot), rendered by WeasyPrint with a CJK font from the operating system (Noto Sans CJK SC
from ``fonts-noto-cjk``, else WenQuanYi Micro Hei). Nothing is fetched over the network: the
QR code is inlined as SVG and the stylesheet is part of the template.
"""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import override


def qr_data_uri(text: str, *, scale: int = 4) -> str:
    """A QR code of ``text`` as an inline SVG data URI (for <img src>), e.g. an RMA number on
    the return label (S5.3) so the warehouse can scan it at receipt."""
    svg = segno.make(text, error="m").svg_inline(scale=scale, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def render_pdf(template_name: str, context: dict[str, Any], *, language: str = "zh-hans"
               ) -> bytes:
    """The form as PDF bytes. Forms print in Chinese (the paper forms are Chinese) unless a
    language is given."""
    import weasyprint  # imported when printing: it loads Pango and the fonts

    with override(language):
        html = render_to_string(template_name, context)
    return weasyprint.HTML(string=html).write_pdf()


def pdf_response(pdf: bytes, *, filename: str, inline: bool = True) -> HttpResponse:
    """An HTTP response with the PDF; shown in the browser's viewer unless inline=False."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
