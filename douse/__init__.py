"""`python -m douse` runs the `douse` command (the code lives in the core and tui packages)."""
