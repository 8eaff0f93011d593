"""Project tooling that is not part of the manual's domain (fetching vendored files, benchmarks, reports)."""
