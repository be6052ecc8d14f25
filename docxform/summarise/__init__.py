"""Summaries of a merged dataset: the workbook and the HTML report."""

from docxform.summarise.html import render_html
from docxform.summarise.workbook import write_summary

__all__ = ["render_html", "write_summary"]
