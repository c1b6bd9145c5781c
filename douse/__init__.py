"""douse: the installed package. `douse.core` (the domain) and `douse.tui` (the desk and the
`douse` command) are the repository's core/ and tui/, linked here so that nothing but `douse` is
installed at the top level; `python -m douse` runs the command."""
