"""The `cmo` command line."""
