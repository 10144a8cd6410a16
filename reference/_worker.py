"""A worker process of :func:`reference.check` with ``jobs > 1``.

``python -m reference._worker TASK RESULT`` reads the pickled task (the
implementation's path or name, the families and the settings), checks those
families (:func:`reference.api.check_in_worker`) and pickles the result
entries and the notes to RESULT. It prints nothing of its own.
"""

from __future__ import annotations

import pickle
import sys

from .api import check_in_worker


def main(task_path: str, result_path: str) -> None:
    with open(task_path, "rb") as f:
        task = pickle.load(f)
    outcome = check_in_worker(task)
    with open(result_path, "wb") as f:
        pickle.dump(outcome, f)


if __name__ == "__main__":
    main(*sys.argv[1:3])
