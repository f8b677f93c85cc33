"""Entry point: `python -m loadtest --help`."""

import sys

from loadtest.run import main

sys.exit(main())
