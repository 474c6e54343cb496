"""`python -m newscrawl.schema`: regenerate the shipped JSON Schema from Article."""
from pathlib import Path

from newscrawl.schema import SCHEMA_FILE, schema_text

target = Path(__file__).with_name(SCHEMA_FILE)
target.write_text(schema_text(), encoding="utf-8")
print(f"wrote {target}")
