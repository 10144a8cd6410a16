"""A module that cannot be imported: rnn-verify must exit 2 with a clear message."""

raise RuntimeError("this module is broken at import time")
