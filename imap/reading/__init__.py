"""Reading: files into the model. Safe file input (inputs, symlinks), front matter, the bibliography as written and
its field checks (bibliography, bibrules), the glossary, CHANGELOG.md, the git history, the address registry, and
the authenticated parse cache (parsecache, cachecodec).

May import: imap.model."""
