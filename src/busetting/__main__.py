"""``python -m busetting``: the command-line interface."""

from busetting.cli import main

raise SystemExit(main())
