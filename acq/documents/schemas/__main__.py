"""``python -m acq.documents.schemas``: regenerate the committed JSON Schemas."""

import sys

from acq.documents.schemas import main

sys.exit(main())
