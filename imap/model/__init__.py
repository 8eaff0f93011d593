"""The model: what the manual is, with no input or output. Items and the manual (items), the vocabularies (vocab),
the front matter schema (schema), the markup authors may write (markup) and the allowlist it is sanitised to
(sanitize), diagnostics, and relative paths between pages.

May import: nothing else of imap."""
