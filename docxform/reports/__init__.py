"""Summaries of a merged dataset: the workbook and the HTML report."""

from docxform.reports.html import render_html
from docxform.reports.summary import write_summary

__all__ = ["render_html", "write_summary"]
