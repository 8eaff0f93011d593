"""`python -m macros ...`: the command line (macros.cli)."""

from __future__ import annotations

import gc

from macros.cli import main

# One run, whose data is kept to its end (see macros.cli).
gc.disable()
raise SystemExit(main())
