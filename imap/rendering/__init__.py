"""Rendering: the Markdown of every page from the checked manual. The build's data (site), Markdown and links
(markdown), blocks pages share (blocks), item pages (item_pages), tables over the whole manual (overview), the
research programme (research), cards, glossary and what changed (reference_pages, what_changed), figures drawn as SVG
(figures, svg), the navigation, the links to a release's editions (edition_links), and the benchmark results page
(benchmarks).

May import: imap.model, imap.reading, imap.citing, imap.checking."""
