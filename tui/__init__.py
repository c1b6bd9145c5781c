"""douse's terminal side: the `douse` command line and the Textual desk.

The only package that imports textual or rich; it reaches the domain through core's public functions.
"""
