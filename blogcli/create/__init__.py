"""New posts and new sites."""
