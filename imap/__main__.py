"""`python -m imap ...`: the command line (imap.cli)."""

from __future__ import annotations

import gc

from imap.cli import main

# One run, whose data is kept to its end (see imap.cli).
gc.disable()
raise SystemExit(main())
