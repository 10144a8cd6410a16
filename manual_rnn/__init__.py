"""Hand-written NumPy forward and backward passes for recurrent networks.

The public API is the one of the "RNN step by step" exercise (``rnn_cell_forward``,
``rnn_forward``, ``rnn_cell_backward``, ``rnn_backward``), correct, plus the
softmax cross-entropy loss and its gradient so that every parameter is
differentiated by hand. This package depends on NumPy only.
"""

from .activations import log_softmax, sigmoid, softmax
from .gru import (
    gru_backward,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
    gru_loss,
    gru_loss_backward,
)
from .loss import cross_entropy_loss, output_layer_backward
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
    "log_softmax",
    "sigmoid",
    "cross_entropy_loss",
    "output_layer_backward",
    "rnn_cell_forward",
    "rnn_forward",
    "rnn_cell_backward",
    "rnn_backward",
    "rnn_loss",
    "rnn_loss_backward",
    "gru_cell_forward",
    "gru_forward",
    "gru_cell_backward",
    "gru_backward",
    "gru_loss",
    "gru_loss_backward",
]
