"""Hand-written NumPy forward and backward passes for recurrent networks.

The public API is the one of the "RNN step by step" exercise, correct: the
vanilla RNN (``rnn_cell_forward``, ``rnn_forward``, ``rnn_cell_backward``,
``rnn_backward``, in :mod:`manual_rnn.rnn`) and the LSTM (``lstm_*``, in
:mod:`manual_rnn.lstm`), plus a GRU in the same style (``gru_*``, in
:mod:`manual_rnn.gru`). Each family also has ``*_loss`` and ``*_loss_backward``
(mean softmax cross-entropy, :mod:`manual_rnn.loss`), so the gradient with
respect to every parameter is computed by hand. This package depends on NumPy
only.

:mod:`manual_rnn.textbook` (``import manual_rnn.textbook``; not imported here)
is the same API in the exercise's shape: pure cell functions, and sequence
functions that are the plain loop over them. It is verified by the same
properties and checked equal to this fast path (``tests/manual_rnn/test_textbook.py``).
"""

from .activations import sigmoid, softmax
from .gru import (
    gru_backward,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
    gru_loss,
    gru_loss_backward,
)
from .loss import cross_entropy_loss, output_layer_backward
from .lstm import (
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
    lstm_loss,
    lstm_loss_backward,
)
from .rnn import (
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
    rnn_loss,
    rnn_loss_backward,
)

__all__ = [
    "softmax",
    "sigmoid",
    "cross_entropy_loss",
    "output_layer_backward",
    "rnn_cell_forward",
    "rnn_forward",
    "rnn_cell_backward",
    "rnn_backward",
    "rnn_loss",
    "rnn_loss_backward",
    "lstm_cell_forward",
    "lstm_forward",
    "lstm_cell_backward",
    "lstm_backward",
    "lstm_loss",
    "lstm_loss_backward",
    "gru_cell_forward",
    "gru_forward",
    "gru_cell_backward",
    "gru_backward",
    "gru_loss",
    "gru_loss_backward",
]
