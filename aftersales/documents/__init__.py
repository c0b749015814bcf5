"""Numbered forms and their printing (S2.4, S3.2, S3.5, S5.3; issue 11 item 8).

- ``numbers.next_number(kind, prefix)``: the next number of a form kind, unique under
  concurrency, taken inside the transaction that creates the record;
- ``printing.render_pdf(template, context)``: the form as a PDF (WeasyPrint, CJK font); a form
  template extends ``documents/form.html`` and gets ``company``, ``form_title``, ``number``,
  ``qr`` (``printing.qr_data_uri(number)``), ``signatures`` ([{label, name, at}]) and
  ``printed_at``;
- ``printing.pdf_response(pdf, filename=…)``: the download.
"""
