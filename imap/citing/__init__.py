"""Citing: the bibliography formatted by pandoc's citeproc in APA style (pandoc, citeproc, with the fix-ups around it
in fixups and the disagreements it reports in agreement), CITATION.cff checked (citation_file), and how to cite the
manual and each of its items (manual_citation).

May import: imap.model, imap.reading."""
