"""Reading: files into the model. Safe file input (inputs, symlinks), front matter (frontmatter, item_reader,
item_file, manual_files), the bibliography as written and its field checks (bibliography, bibrules, bib_values), the
glossary, CHANGELOG.md (changelog), the git history (git_history), the address registry (addresses), and the
authenticated parse cache (parsecache, cachecodec).

May import: imap.model."""
