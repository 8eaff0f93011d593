"""Citing: the bibliography formatted by pandoc's citeproc in APA style (pandoc, citeproc), and how to cite the
manual and each of its items, from CITATION.cff (manual_citation).

May import: imap.model, imap.reading."""
