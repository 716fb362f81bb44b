"""``python -m acq`` is the ``acq`` command."""

import sys

from acq.cli import main

sys.exit(main())
