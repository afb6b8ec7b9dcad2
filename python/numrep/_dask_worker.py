"""Preloaded into the worker processes of `numrep build --workers N` (LocalCluster(preload=...)):
they ignore Ctrl-C from then on. A terminal sends it to the whole foreground process group, and
each worker printed its KeyboardInterrupt's traceback; numrep's own process stops the build and
closes them."""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
