"""Building school sites: the batch builder, fingerprints for incremental builds, the landing page."""
