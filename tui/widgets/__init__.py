"""Reusable widgets of the desk: tables, header, panes of the client view."""
