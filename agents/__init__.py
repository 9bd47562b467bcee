"""The six agents. Plain functions of state and ports; no I/O except through ports."""
