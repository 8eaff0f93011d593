"""`make bench`: how fast the manual builds, how it scales, how light its pages are (see docs/benchmarks.md)."""
