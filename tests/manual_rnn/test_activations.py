"""manual_rnn's softmax and sigmoid: finite and exact where the math is."""

from __future__ import annotations

import numpy as np

import manual_rnn


def test_softmax_shifts_each_column_by_its_own_maximum():
    """Columns whose logits differ by more than exp's range stay finite and exact."""
    z = np.array([[0.0, 2000.0], [np.log(3.0), 2000.0 + np.log(3.0)]])
    y = manual_rnn.softmax(z)
    np.testing.assert_allclose(y, [[0.25, 0.25], [0.75, 0.75]], rtol=1e-12)
    assert manual_rnn.softmax(z[:, :, None]).shape == (2, 2, 1)


def test_sigmoid_is_exact_at_both_ends_and_zero():
    z = np.array([-800.0, -40.0, 0.0, 40.0, 800.0])
    s = manual_rnn.sigmoid(z)
    np.testing.assert_allclose(s[:2], np.exp(z[:2]), rtol=1e-15)
    assert s[2] == 0.5 and s[3] == 1.0 and s[4] == 1.0
