"""Rendering: the Markdown of every page from the checked manual. The build's data (site), item pages and overview
tables (render), research and training pages (reports), figures drawn as SVG (figures), what changed between
releases (what_changed), and the benchmark results page (benchmarks).

May import: imap.model, imap.reading, imap.citing, imap.checking."""
