"""IMAP manual engine.

The domain (model, loaders, rules, renderers, the page generator) lives in this package's modules and never imports
MkDocs. Engines are adapters outside it: hooks/adapter.py hands MkDocs the pages imap.publishing.generate makes, and
`python -m imap.cli generate DIR` writes the same pages as plain files for any other engine.
"""
