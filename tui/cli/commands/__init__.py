"""One module per `douse` subcommand group. Each module defines `register(subparsers)`; main.py
discovers them, so adding a command never means editing a central list."""
