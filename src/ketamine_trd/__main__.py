"""``python -m ketamine_trd`` runs the ``ktrd`` command."""

import sys

from ketamine_trd.cli import main

sys.exit(main())
