"""``python -m ngoaid``: the same command line as ``ngoaid``."""

import sys

from ngoaid.cli import main

sys.exit(main())
