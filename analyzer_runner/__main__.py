"""`python -m analyzer_runner`: the runner's command line."""

import sys

from analyzer_runner.cli import main

sys.exit(main())
