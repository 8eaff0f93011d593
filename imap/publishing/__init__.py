"""Publishing: what leaves the build. Every page as an engine gets it and the plain-file tree (generate), the data
downloads and their schema (downloads, manual_json, manual_schema), and the traceability report of a change
(diff_report).

May import: every other stage."""
