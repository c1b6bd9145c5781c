"""douse's terminal side: the `douse` command line and the Textual desk.

Only this package imports textual or rich; it reaches the domain through core's public functions.
"""
