"""``python -m provbridge``: the same as the ``provbridge`` command."""

import os
import sys

# `python -m` puts the working directory first on the path: a program's own json.py or hashlib.py there must
# not replace the modules provbridge imports. The slot stays (`run` gives it to the program, as Python does).
if sys.path and sys.path[0] in ("", os.getcwd()):
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from provbridge.cli.main import main

sys.exit(main())
