"""Single-bug variants of the implementation: the harness must catch each one."""
