"""Bundled demo news sites and the local server that serves them (see README.md)."""
