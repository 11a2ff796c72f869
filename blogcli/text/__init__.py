"""Markdown to plain text, words, reading time and summary, per engine."""
