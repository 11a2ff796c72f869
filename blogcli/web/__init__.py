"""External link checks: HTTP client, limits, retries, cache."""
