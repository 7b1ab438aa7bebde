"""REFI-QDA projects (`.qdpx`): import from and export to NVivo, ATLAS.ti, MAXQDA, QualCoder.

`import_qdpx` reads a project into a review (`importer`); `export_qdpx` writes a review as one
(`exporter`). The zip is read safely (`archive`), the XML parsed safely and checked against the
REFI-QDA 1.0 schema (`project`), codes mapped to concept kinds (`codes`), positions converted
(`offsets`, `texts`) and passages grouped into CMOcs (`assemble`). See `docs/refi-qda.md`.
"""

from cmo.interchange.qdpx.assemble import parse_assemble
from cmo.interchange.qdpx.codes import read_code_map
from cmo.interchange.qdpx.exporter import export_qdpx
from cmo.interchange.qdpx.importer import QdpxOptions, import_qdpx

__all__ = ["QdpxOptions", "export_qdpx", "import_qdpx", "parse_assemble", "read_code_map"]
