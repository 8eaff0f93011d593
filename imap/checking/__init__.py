"""Checking: the project loaded and every rule run over it (project; rules across items, content_rules about what the
manual says, citation_rules, guides, reading_level), the site's own pages and their macro calls (site_pages,
page_templates), and the incremental check of `make check` (incremental).

May import: imap.model, imap.reading, imap.citing."""
