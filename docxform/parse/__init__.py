"""Parse returned forms (.docx, and .doc/.odt/.rtf via LibreOffice) into Responses."""

from docxform.parse.form import parse_form

__all__ = ["parse_form"]
