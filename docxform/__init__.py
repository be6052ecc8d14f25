"""docxform: self-assessment forms on a round trip through Word and Excel.

The pipeline, one package per stage:

    framework/  read a framework definition (YAML) into a Framework model
    generate/   Framework -> blank .docx forms (+ mapping files) and .xlsx plans
    parse/      returned .docx/.xlsx -> Response objects (values + problems)
    validate    Response + the framework's rules -> problems
    merge       many Responses -> one Dataset (the survey method)
    summarise   Dataset -> summary workbook and HTML report

Raw OOXML (lxml, ``w:`` elements, zip packages) lives only in ``oxml/``.
"""

__version__ = "0.1.0"
