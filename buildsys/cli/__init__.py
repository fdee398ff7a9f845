"""The command line: task parameters, the options record, each task's action, one-line errors."""
