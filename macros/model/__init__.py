"""The authority's model policy: its sections, named passages and snapshots of past issues."""
