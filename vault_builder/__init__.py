"""vault-builder: posts and comment threads about Singular Learning Theory -> Obsidian vault + Anki."""

__version__ = "0.1.0"
