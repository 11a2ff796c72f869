"""Plan, then execute: front-matter edits, git pre-flight, commit, push."""
