"""The round in a browser: a local web console over a round's store (``docxform round serve``, ``docxform serve``).

A face of the library, like the CLI: it imports :mod:`docxform.api` (and the
records and one-line errors below it) and nothing else of docxform, calls the
same functions as the CLI on the same store, and the CLI keeps working beside
it. See docs/round.md ("The console").
"""

from docxform.serve.run import Server, serve, start_server

__all__ = ["Server", "serve", "start_server"]
