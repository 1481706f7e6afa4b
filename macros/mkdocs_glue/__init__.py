"""Everything that knows mkdocs: the macros adapter, hooks, shared assets, and fenced patches."""
