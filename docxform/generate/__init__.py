"""Generate blank forms (.docx) with their mapping files, one or one per respondent."""
