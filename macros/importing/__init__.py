"""`policy import`: a school's existing policy document turned into its school file."""
