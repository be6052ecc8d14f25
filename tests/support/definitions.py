"""A small framework definition shared by the tests (line numbers matter to test_framework)."""

GOOD = """\
format: 1
id: mine
version: "1"
title: My framework
rating_scale:
  levels:
    - {key: low, label: LOW}
    - {key: high, label: HIGH}
fields:
  - {key: rating, type: rating, label: Rating}
  - {key: notes, type: text, label: Notes}
themes:
  - {id: "1", title: One}
items:
  - id: "1.1"
    theme: "1"
    text: First item
  - id: "1.2"
    theme: "1"
    text: Second item
"""
