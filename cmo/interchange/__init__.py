"""Files in and out: format detection, RDF files, extraction sheets, reference libraries."""
