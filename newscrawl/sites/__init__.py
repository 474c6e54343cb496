"""Site profiles: one TOML file per site (data, loaded by newscrawl.extraction.profiles)."""
