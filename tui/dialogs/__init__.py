"""Modal dialogs: each only collects input and dismisses with a value (or None on Escape)."""
