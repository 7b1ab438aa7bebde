"""`python -m cmo.cli`: the same as the `cmo` command."""

import sys

from cmo.cli.main import main

sys.exit(main())
