"""The command line's checks run in the test's own process.

``rnn-verify`` starts a worker process per core by default (``--jobs``). Under
``pytest -n 2`` the cores are taken by the test workers already, each with JAX
imported and the oracle's programs traced: a check the tests start through
:func:`reference.verify.main` runs in that process (``--jobs 1``), unless the
test asks for workers itself. The worker processes are tested in
``test_api.py``, with an explicit ``jobs``.
"""

from __future__ import annotations

import pytest

from reference import verify


@pytest.fixture(autouse=True)
def _one_process(monkeypatch):
    monkeypatch.setattr(verify, "_cores", lambda: 1)
