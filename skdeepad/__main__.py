"""``python -m skdeepad``: the same as the ``skdeepad`` command."""

import sys

from .cli import main

sys.exit(main())
