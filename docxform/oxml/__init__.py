"""The one place that knows OOXML: zip packages, WordprocessingML, lxml.

Everything outside this package works with framework and response objects.

- :mod:`.package`  reading packages safely (zip bombs, encryption, macros, DTDs)
                   and writing them deterministically
- :mod:`.writer`   building a .docx: paragraphs, tables, content controls
- :mod:`.reader`   reading a .docx into tables of cells with their marks and text
- :mod:`.parts`    the fixed parts of a generated .docx (styles, settings, footer)
- :mod:`.textparts` the text of headers, footers, notes and comments, and where notes are anchored
- :mod:`.sheets`   safety checks on a workbook's parts before openpyxl loads it
- :mod:`.rawsheet` streaming big summary sheets as raw SpreadsheetML rows
"""
