"""``python -m provbridge``: the same as the ``provbridge`` command."""

import sys

from provbridge.cli.main import main

sys.exit(main())
