"""`bondflow up`: the whole embedded stack in one command.

One module per job: ``temporal_server`` (the dev server's command line),
``processes`` (children in their own process groups, their logs and pid files),
``readiness`` (waiting until each answers), ``up`` (the command that strings them
together). POSIX only: process groups and signals.
"""
