"""A school's file: what it may say (the schema), reading it with plain-word errors, starting a new one."""
