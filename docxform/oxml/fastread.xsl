<?xml version="1.0" encoding="UTF-8"?>
<!--
  The fast path of docxform.oxml.reader: the same walk as its Python functions,
  run in C by libxslt, for documents with none of the things only the Python
  walk handles. Documents with tracked changes, fields, w:sym, symbol fonts, text
  boxes, equations, pictures, objects, ruby, hidden text or altChunks never come
  here (fastread.py checks first: PYTHON_ONLY). Where the walk meets a content
  control nested in another (other than LibreOffice's checkbox wrapper), it
  writes the record "!" and the document is read by the Python walk instead.

  Output is text. A record starts with U+FDD0 and its fields are separated by
  U+FDD1: "T" a table, "R" a row (gridBefore), "C" a cell (its properties,
  each after U+FDD4, then its content), "P" a body paragraph (content). A
  content control is written in place inside the content, between U+FDD2 and
  U+FDD3: its properties, each after U+FDD4, then U+FDD1 and the control's own
  content. These are Unicode noncharacters; documents that contain any
  character near them take the Python path.

  Each template names the Python function it mirrors: change both together.
  tests/test_reader_fastpath.py compares the two readers on every test form
  and on randomly built documents.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml">
  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:template match="/">
    <xsl:apply-templates select="*/w:body[1]/*" mode="blocks"/>
  </xsl:template>

  <!-- _read_blocks -->
  <xsl:template match="w:tbl" mode="blocks">
    <xsl:text>&#xFDD0;T</xsl:text>
    <xsl:apply-templates select="*" mode="rows"/>
  </xsl:template>
  <xsl:template match="w:p" mode="blocks">
    <xsl:text>&#xFDD0;P&#xFDD1;</xsl:text>
    <xsl:apply-templates select="*" mode="inline"/>
  </xsl:template>
  <xsl:template match="w:sdt" mode="blocks">
    <xsl:apply-templates select="w:sdtContent[1]/*" mode="blocks"/>
  </xsl:template>
  <xsl:template match="w:sdtContent | w:customXml" mode="blocks">
    <xsl:apply-templates select="*" mode="blocks"/>
  </xsl:template>
  <xsl:template match="*" mode="blocks"/>

  <!-- _table_rows: rows, and rows wrapped in a content control or custom XML (one level) -->
  <xsl:template match="w:tr" mode="rows">
    <xsl:text>&#xFDD0;R&#xFDD1;</xsl:text>
    <xsl:value-of select="w:trPr/w:gridBefore/@w:val"/>
    <xsl:apply-templates select="*" mode="cells"/>
  </xsl:template>
  <xsl:template match="w:sdt" mode="rows">
    <xsl:apply-templates select="w:sdtContent[1]/w:tr" mode="rows"/>
  </xsl:template>
  <xsl:template match="w:customXml" mode="rows">
    <xsl:apply-templates select="w:tr" mode="rows"/>
  </xsl:template>
  <xsl:template match="*" mode="rows"/>

  <!-- _row_cells and _read_table: cells, and cells wrapped as rows are; _cell_props (spans and
       vertical merges, in document order: the first of each counts) -->
  <xsl:template match="w:tc" mode="cells">
    <xsl:text>&#xFDD0;C</xsl:text>
    <xsl:apply-templates select="w:tcPr/*" mode="cell-property"/>
    <xsl:text>&#xFDD1;</xsl:text>
    <xsl:apply-templates select="*" mode="walk"/>
  </xsl:template>
  <xsl:template match="w:gridSpan" mode="cell-property">
    <xsl:text>&#xFDD4;s</xsl:text>
    <xsl:value-of select="@w:val"/>
  </xsl:template>
  <xsl:template match="w:vMerge" mode="cell-property">
    <xsl:text>&#xFDD4;m</xsl:text>
    <xsl:value-of select="@w:val"/>
    <xsl:if test="not(@w:val)">continue</xsl:if>
  </xsl:template>
  <xsl:template match="*" mode="cell-property"/>
  <xsl:template match="w:sdt" mode="cells">
    <xsl:apply-templates select="w:sdtContent[1]/w:tc" mode="cells"/>
  </xsl:template>
  <xsl:template match="w:customXml" mode="cells">
    <xsl:apply-templates select="w:tc" mode="cells"/>
  </xsl:template>
  <xsl:template match="*" mode="cells"/>

  <!-- _walk: block content of a cell or of a block-level control -->
  <xsl:template match="w:p" mode="walk">
    <xsl:apply-templates select="*" mode="inline"/>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>
  <xsl:template match="w:sdt" mode="walk">
    <xsl:apply-templates select="w:sdtContent[1]" mode="control"/>
  </xsl:template>
  <xsl:template match="w:drawing | w:pict | w:pPr | w:rPr | w:tcPr | w:trPr | w:sdtPr | w:tblPr | w:tblGrid
                       | w:bookmarkStart | w:bookmarkEnd | w:proofErr | w:commentRangeStart | w:commentRangeEnd
                       | w:sectPr" mode="walk"/>
  <xsl:template match="*" mode="walk">
    <xsl:apply-templates select="*" mode="walk"/>
  </xsl:template>

  <!-- _walk_paragraph: inline children of a paragraph, hyperlink, smart tag, simple field... -->
  <xsl:template match="w:r" mode="inline">
    <xsl:apply-templates select="*" mode="run"/>
  </xsl:template>
  <xsl:template match="w:sdt" mode="inline">
    <xsl:apply-templates select="w:sdtContent[1]" mode="control"/>
  </xsl:template>
  <xsl:template match="w:hyperlink | w:smartTag | w:fldSimple | w:customXml | w:dir | w:bdo" mode="inline">
    <xsl:apply-templates select="*" mode="inline"/>
  </xsl:template>
  <xsl:template match="*" mode="inline"/>

  <!-- _run, _run_text, _run_other (without fields, symbols and tracked text: those documents take the Python path) -->
  <xsl:template match="w:t" mode="run">
    <xsl:value-of select="node()[1][self::text()]"/>
  </xsl:template>
  <xsl:template match="w:tab | w:ptab" mode="run">
    <xsl:text>&#9;</xsl:text>
  </xsl:template>
  <xsl:template match="w:br | w:cr" mode="run">
    <xsl:text>&#10;</xsl:text>
  </xsl:template>
  <xsl:template match="w:noBreakHyphen" mode="run">
    <xsl:text>-</xsl:text>
  </xsl:template>
  <xsl:template match="*" mode="run"/>

  <!-- _sdt: properties of the first w:sdtPr in order (the first of each counts), then the first
       w:sdtContent's text. Written out in full here and in mode "wrapped": a named-template call
       for every control costs a fifth of the whole transform. -->
  <xsl:template match="w:sdtContent" mode="control">
    <xsl:choose>
      <xsl:when test=".//w:sdt">
        <xsl:call-template name="wrapper">
          <xsl:with-param name="tag" select="''"/>
          <xsl:with-param name="alias" select="''"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text>&#xFDD2;</xsl:text>
        <xsl:apply-templates select="../w:sdtPr[1]/*" mode="property"/>
        <xsl:text>&#xFDD1;</xsl:text>
        <xsl:choose>
          <xsl:when test="w:p or w:tbl">
            <xsl:apply-templates select="*" mode="walk"/>
          </xsl:when>
          <xsl:otherwise>
            <xsl:apply-templates select="*" mode="inline"/>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:text>&#xFDD3;</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <!-- A control inside LibreOffice's wrapper: its own properties, then the wrapper's tag and alias
       ("T", "A"), which count where it has none of its own. -->
  <xsl:template match="w:sdtContent" mode="wrapped">
    <xsl:param name="tag"/>
    <xsl:param name="alias"/>
    <xsl:choose>
      <xsl:when test=".//w:sdt">
        <xsl:call-template name="wrapper">
          <xsl:with-param name="tag" select="$tag"/>
          <xsl:with-param name="alias" select="$alias"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text>&#xFDD2;</xsl:text>
        <xsl:apply-templates select="../w:sdtPr[1]/*" mode="property"/>
        <xsl:text>&#xFDD4;T</xsl:text>
        <xsl:value-of select="$tag"/>
        <xsl:text>&#xFDD4;A</xsl:text>
        <xsl:value-of select="$alias"/>
        <xsl:text>&#xFDD1;</xsl:text>
        <xsl:choose>
          <xsl:when test="w:p or w:tbl">
            <xsl:apply-templates select="*" mode="walk"/>
          </xsl:when>
          <xsl:otherwise>
            <xsl:apply-templates select="*" mode="inline"/>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:text>&#xFDD3;</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <!-- _sdt's wrapper branch: LibreOffice wraps each checkbox in an untagged control that carries
       the alias. The wrapper is no control itself; the controls inside inherit its tag and alias
       (_walk_paragraph_with_sdts). Any other nesting is left to the Python walk. -->
  <xsl:template name="wrapper">
    <xsl:param name="tag"/>
    <xsl:param name="alias"/>
    <xsl:variable name="own" select="../w:sdtPr[1]"/>
    <xsl:choose>
      <xsl:when test=".//w14:checkbox and not($own/*[self::w14:checkbox or self::w:dropDownList
                      or self::w:comboBox or self::w:date][1][self::w14:checkbox])">
        <xsl:variable name="own-tag" select="string($own/w:tag[1]/@w:val)"/>
        <xsl:variable name="own-alias" select="string($own/w:alias[1]/@w:val)"/>
        <xsl:variable name="pass-tag">
          <xsl:value-of select="$own-tag"/>
          <xsl:if test="not($own-tag)">
            <xsl:value-of select="$tag"/>
          </xsl:if>
        </xsl:variable>
        <xsl:variable name="pass-alias">
          <xsl:value-of select="$own-alias"/>
          <xsl:if test="not($own-alias)">
            <xsl:value-of select="$alias"/>
          </xsl:if>
        </xsl:variable>
        <xsl:for-each select="w:sdt | w:p | w:r">
          <xsl:choose>
            <xsl:when test="self::w:sdt">
              <xsl:apply-templates select="w:sdtContent[1]" mode="wrapped">
                <xsl:with-param name="tag" select="string($pass-tag)"/>
                <xsl:with-param name="alias" select="string($pass-alias)"/>
              </xsl:apply-templates>
            </xsl:when>
            <xsl:when test="self::w:p">
              <xsl:for-each select="w:sdt | w:r">
                <xsl:choose>
                  <xsl:when test="self::w:sdt">
                    <xsl:apply-templates select="w:sdtContent[1]" mode="wrapped">
                      <xsl:with-param name="tag" select="string($pass-tag)"/>
                      <xsl:with-param name="alias" select="string($pass-alias)"/>
                    </xsl:apply-templates>
                  </xsl:when>
                  <xsl:otherwise>
                    <xsl:apply-templates select="." mode="inline"/>
                  </xsl:otherwise>
                </xsl:choose>
              </xsl:for-each>
              <xsl:text>&#10;</xsl:text>
            </xsl:when>
            <xsl:otherwise>
              <xsl:apply-templates select="." mode="inline"/>
            </xsl:otherwise>
          </xsl:choose>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="python"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="w:tag" mode="property">
    <xsl:text>&#xFDD4;t</xsl:text>
    <xsl:value-of select="@w:val"/>
  </xsl:template>
  <xsl:template match="w:alias" mode="property">
    <xsl:text>&#xFDD4;a</xsl:text>
    <xsl:value-of select="@w:val"/>
  </xsl:template>
  <xsl:template match="w:showingPlcHdr" mode="property">
    <xsl:text>&#xFDD4;p</xsl:text>
  </xsl:template>
  <xsl:template match="w14:checkbox" mode="property">
    <xsl:text>&#xFDD4;c</xsl:text>
    <xsl:for-each select="w14:checked[1]">
      <xsl:text>v</xsl:text>
      <xsl:value-of select="@w14:val"/>
    </xsl:for-each>
  </xsl:template>
  <xsl:template match="w:dropDownList | w:comboBox" mode="property">
    <xsl:text>&#xFDD4;d</xsl:text>
  </xsl:template>
  <xsl:template match="w:date" mode="property">
    <xsl:text>&#xFDD4;e</xsl:text>
  </xsl:template>
  <xsl:template match="*" mode="property"/>

  <!-- Something only the Python walk reads right: the whole document goes to it. -->
  <xsl:template name="python">
    <xsl:text>&#xFDD0;!</xsl:text>
  </xsl:template>
</xsl:stylesheet>
