"""A cell backward that never returns: the run must report it, not hang."""

from manual_rnn import rnn_cell_forward  # noqa: F401  (a correct forward)


def rnn_cell_backward(da_next, cache):
    while True:
        pass
