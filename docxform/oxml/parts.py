"""The fixed parts of a generated .docx: content types, relationships, styles, settings."""

from __future__ import annotations

from xml.sax.saxutils import escape

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = _XML + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/footer1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    '<Override PartName="/docProps/custom.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
    "</Types>"
)

ROOT_RELS = _XML + (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
    'Target="docProps/app.xml"/>'
    '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" '
    'Target="docProps/custom.xml"/>'
    "</Relationships>"
)

DOCUMENT_RELS = _XML + (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    '<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" '
    'Target="settings.xml"/>'
    '<Relationship Id="rIdFooter1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" '
    'Target="footer1.xml"/>'
    "</Relationships>"
)

APP = _XML + (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>docxform</Application></Properties>"
)


def core_xml(title: str) -> str:
    """Core properties with a fixed date, so generation is deterministic."""
    return _XML + (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>docxform</dc:creator>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2003-12-01T00:00:00Z</dcterms:created>'
        "</cp:coreProperties>"
    )


def settings_xml(protect: bool) -> str:
    """Settings; with ``protect`` only the form's controls can be edited (no password)."""
    protection = '<w:documentProtection w:edit="forms" w:enforcement="1"/>' if protect else ""
    return _XML + (
        '<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'{protection}<w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/>'
        '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
        'w:val="15"/></w:compat></w:settings>'
    )


def footer_xml(text: str, print_date: bool = False) -> str:
    """Footer: the form's identity on the left, page X of Y on the right.

    ``print_date`` (a form for print, the consolidated form) adds "printed
    <date>" (Word's DATE field: the day the page is printed) and sets the
    footer at 8 pt, the least the printed outputs use (7 pt on blank forms).
    """
    rpr = '<w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>' if print_date else ""
    field = (f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r><w:r>{rpr}<w:instrText xml:space="preserve"> {{0}} '
             f'</w:instrText></w:r><w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r><w:r>{rpr}<w:t>1</w:t></w:r>'
             f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>')

    def run(words: str) -> str:
        return f'<w:r>{rpr}<w:t xml:space="preserve">{words}</w:t></w:r>'

    return _XML + (
        '<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:p><w:pPr><w:pStyle w:val="Footer"/><w:tabs><w:tab w:val="right" w:pos="15136"/></w:tabs></w:pPr>'
        + run(text)
        + ((run(" · printed ") + field.format('DATE \\@ "d MMMM yyyy"')) if print_date else "")
        + f"<w:r>{rpr}<w:tab/></w:r>" + run("Page ") + field.format("PAGE")
        + run(" of ") + field.format("NUMPAGES")
        + "</w:p></w:ftr>"
    )


def _style(kind: str, sid: str, name: str, body: str, based: str = "Normal", extra: str = "") -> str:
    based_on = f'<w:basedOn w:val="{based}"/>' if based else ""
    return (f'<w:style w:type="{kind}" w:styleId="{sid}"{extra}><w:name w:val="{name}"/>{based_on}'
            f"<w:qFormat/>{body}</w:style>")


STYLES = _XML + (
    '<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:eastAsia="Arial" w:hAnsi="Arial" w:cs="Arial"/>'
    '<w:sz w:val="18"/><w:szCs w:val="18"/><w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/></w:rPr>'
    '</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="60" w:line="240" w:lineRule="auto"/></w:pPr>'
    "</w:pPrDefault></w:docDefaults>"
    + _style("paragraph", "Normal", "Normal", "", based="", extra=' w:default="1"')
    + _style("paragraph", "Title", "Title",
             '<w:pPr><w:spacing w:after="120"/><w:jc w:val="center"/></w:pPr>'
             '<w:rPr><w:b/><w:caps/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr>')
    + _style("paragraph", "Subtitle", "Subtitle",
             '<w:pPr><w:spacing w:after="120"/><w:jc w:val="center"/></w:pPr>'
             '<w:rPr><w:b/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr>')
    + _style("paragraph", "Heading1", "heading 1",
             '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="0"/></w:pPr>'
             '<w:rPr><w:b/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>')
    + _style("paragraph", "Heading2", "heading 2",
             '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="160" w:after="60"/><w:outlineLvl w:val="1"/></w:pPr>'
             '<w:rPr><w:b/><w:sz w:val="22"/><w:szCs w:val="22"/></w:rPr>')
    + _style("paragraph", "Intro", "Intro", '<w:pPr><w:keepNext/></w:pPr><w:rPr><w:i/></w:rPr>')
    + _style("paragraph", "ListBullet", "List Bullet",
             '<w:pPr><w:spacing w:after="0"/><w:ind w:left="227" w:hanging="170"/></w:pPr>')
    + _style("paragraph", "Footer", "footer", '<w:rPr><w:sz w:val="14"/><w:szCs w:val="14"/></w:rPr>')
    + '<w:style w:type="character" w:styleId="PlaceholderText"><w:name w:val="Placeholder Text"/>'
      '<w:rPr><w:color w:val="808080"/></w:rPr></w:style>'
    + '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:pPr><w:spacing w:after="0"/></w:pPr>'
      "<w:tblPr><w:tblBorders>"
      + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
      + '</w:tblBorders><w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>"
    + "</w:styles>"
)
