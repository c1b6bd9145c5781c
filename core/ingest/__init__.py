"""Ingestion: fetch sources, normalise, keep what mentions the brand, store it once."""
