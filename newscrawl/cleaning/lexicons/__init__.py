"""Boilerplate lexicons, one TOML file per language (data, loaded by newscrawl.cleaning.lexicon)."""
