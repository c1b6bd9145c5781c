"""Ingestion: fetch sources, normalise what they return, keep what mentions the brand, store it once."""
