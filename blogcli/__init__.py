"""blog: one tool for a Markdown blog kept in git."""

__version__ = "0.1.0"
