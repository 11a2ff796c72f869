"""list, show, stats and index: records and their views."""
