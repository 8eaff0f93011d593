"""Publishing: what leaves the build. Every page as an engine gets it, and the plain-file tree (generate); the data
downloads (downloads, csv_tables, manual_json, manual_schema); the PDF and EPUB editions of a built site (editions,
edition_html) and the offline edition (offline); the traceability report of a change (diff_report).

May import: every other stage."""
