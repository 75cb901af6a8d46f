"""What keeps hostile input from hurting the operator: trusted hosts, bounded answers,
secret redaction, safe reads of files a config names.

The config file and server answers are not trusted; the operator's environment is.
Settings here are the process's (the CLI sets them once per command from its options
and the environment), so every provider and writer obeys them without plumbing.
"""
