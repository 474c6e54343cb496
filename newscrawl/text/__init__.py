"""Character tables shared by every stage that reads text: one definition each."""
