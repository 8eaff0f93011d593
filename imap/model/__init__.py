"""The model: what the manual is, with no input or output. Items and their parts (items), the whole manual
(manual), the changelog's data (changelog), the vocabularies (vocab), the front matter schema (schema), the markup
authors may write (markup), the allowlist it is sanitised to (sanitize), what a text may not hold (text_bounds), the
escaping of what the theme prints (escaping), diagnostics, and relative paths between pages.

May import: nothing else of imap."""
