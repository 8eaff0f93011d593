"""IMAP manual engine: from the files of the manual to the pages of the site, in six stages.

    model       what the manual is (items, references, vocabularies, schema, diagnostics, the sanitiser's allowlist)
    reading     files into the model (front matter, bibliography, glossary, changelog, git history, parse cache)
    citing      the bibliography in APA style by pandoc's citeproc, and how to cite the manual and its items
    checking    the project loaded and every rule run over it; `make check`
    rendering   the Markdown of every page (item pages, overview and research pages, figures, navigation)
    publishing  every page as an engine gets it and as plain files (generate), the data downloads, the diff report

A module imports only its own stage and the stages above it in this list (tests/test_architecture.py holds it), and
no module imports a site engine. Engines are adapters outside the package: hooks/adapter.py hands MkDocs the pages
imap.publishing.generate makes, and `python -m imap generate DIR` writes the same pages as plain files.
"""
