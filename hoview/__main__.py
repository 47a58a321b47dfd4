"""``python -m hoview`` is the ``hoview`` command."""

import sys

from hoview.cli import main

sys.exit(main())
