"""Write ``exercise_notebook.ipynb``: the exercise's correct solution in the course's notebook layout.

``python -m tests.corpus._make_notebook`` rewrites it (``tests/users/test_notebook.py`` checks that
the committed file is what this script writes). The function cells are the functions of
``exercise_style.py`` verbatim; around them, what the course's notebook has and a harness
must get past: markdown, ``from public_tests import *`` (a course file that is not in
``tests/corpus``), ``%matplotlib inline`` and ``%autoreload``, and test cells that print a
small run and call the course's ``*_test(s)`` helpers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "exercise_notebook.ipynb"

_RNN_PARAMETERS = """\
parameters_tmp = {}
parameters_tmp['Waa'] = np.random.randn(5, 5)
parameters_tmp['Wax'] = np.random.randn(5, 3)
parameters_tmp['Wya'] = np.random.randn(2, 5)
parameters_tmp['ba'] = np.random.randn(5, 1)
parameters_tmp['by'] = np.random.randn(2, 1)
"""

_LSTM_PARAMETERS = """\
parameters_tmp = {}
parameters_tmp['Wf'] = np.random.randn(5, 5 + 3)
parameters_tmp['bf'] = np.random.randn(5, 1)
parameters_tmp['Wi'] = np.random.randn(5, 5 + 3)
parameters_tmp['bi'] = np.random.randn(5, 1)
parameters_tmp['Wo'] = np.random.randn(5, 5 + 3)
parameters_tmp['bo'] = np.random.randn(5, 1)
parameters_tmp['Wc'] = np.random.randn(5, 5 + 3)
parameters_tmp['bc'] = np.random.randn(5, 1)
parameters_tmp['Wy'] = np.random.randn(2, 5)
parameters_tmp['by'] = np.random.randn(2, 1)
"""

#: Per function: the course's markdown heading, then its test cell.
_SECTIONS = {
    "rnn_cell_forward": ("### 1.1 - RNN Cell", f"""\
np.random.seed(1)
xt_tmp = np.random.randn(3, 10)
a_prev_tmp = np.random.randn(5, 10)
{_RNN_PARAMETERS}
a_next_tmp, yt_pred_tmp, cache_tmp = rnn_cell_forward(xt_tmp, a_prev_tmp, parameters_tmp)
print("a_next[4] = \\n", a_next_tmp[4])
print("a_next.shape = \\n", a_next_tmp.shape)
print("yt_pred[1] =\\n", yt_pred_tmp[1])
print("yt_pred.shape = \\n", yt_pred_tmp.shape)

# UNIT TESTS
rnn_cell_forward_tests(rnn_cell_forward)"""),
    "rnn_forward": ("### 1.2 - RNN Forward Pass", f"""\
np.random.seed(1)
x_tmp = np.random.randn(3, 10, 4)
a0_tmp = np.random.randn(5, 10)
{_RNN_PARAMETERS}
a_tmp, y_pred_tmp, caches_tmp = rnn_forward(x_tmp, a0_tmp, parameters_tmp)
print("a[4][1] = \\n", a_tmp[4][1])
print("a.shape = \\n", a_tmp.shape)
print("y_pred[1][3] =\\n", y_pred_tmp[1][3])
print("y_pred.shape = \\n", y_pred_tmp.shape)
print("caches[1][1][3] =\\n", caches_tmp[1][1][3])
print("len(caches) = \\n", len(caches_tmp))

#UNIT TEST
rnn_forward_test(rnn_forward)"""),
    "lstm_cell_forward": ("### 2.1 - LSTM Cell", f"""\
np.random.seed(1)
xt_tmp = np.random.randn(3, 10)
a_prev_tmp = np.random.randn(5, 10)
c_prev_tmp = np.random.randn(5, 10)
{_LSTM_PARAMETERS}
a_next_tmp, c_next_tmp, yt_tmp, cache_tmp = lstm_cell_forward(xt_tmp, a_prev_tmp, c_prev_tmp, parameters_tmp)
print("a_next[4] = \\n", a_next_tmp[4])
print("c_next[2] = \\n", c_next_tmp[2])
print("yt[1] =", yt_tmp[1])
print("len(cache) = ", len(cache_tmp))

# UNIT TEST
lstm_cell_forward_test(lstm_cell_forward)"""),
    "lstm_forward": ("### 2.2 - Forward Pass for LSTM", f"""\
np.random.seed(1)
x_tmp = np.random.randn(3, 10, 7)
a0_tmp = np.random.randn(5, 10)
{_LSTM_PARAMETERS}
a_tmp, y_tmp, c_tmp, caches_tmp = lstm_forward(x_tmp, a0_tmp, parameters_tmp)
print("a[4][3][6] = ", a_tmp[4][3][6])
print("a.shape = ", a_tmp.shape)
print("y[1][4][3] =", y_tmp[1][4][3])
print("len(caches) = ", len(caches_tmp))

# UNIT TEST
lstm_forward_test(lstm_forward)"""),
    "rnn_cell_backward": ("### 3.1 - Basic RNN  Backward Pass", f"""\
np.random.seed(1)
xt_tmp = np.random.randn(3, 10)
a_prev_tmp = np.random.randn(5, 10)
{_RNN_PARAMETERS}
a_next_tmp, yt_tmp, cache_tmp = rnn_cell_forward(xt_tmp, a_prev_tmp, parameters_tmp)

da_next_tmp = np.random.randn(5, 10)
gradients_tmp = rnn_cell_backward(da_next_tmp, cache_tmp)
print("gradients[\\"dxt\\"][1][2] =", gradients_tmp["dxt"][1][2])
print("gradients[\\"da_prev\\"][2][3] =", gradients_tmp["da_prev"][2][3])
print("gradients[\\"dba\\"][4] =", gradients_tmp["dba"][4])"""),
    "rnn_backward": ("### 3.2 - RNN Backward Pass", f"""\
np.random.seed(1)
x_tmp = np.random.randn(3, 10, 4)
a0_tmp = np.random.randn(5, 10)
{_RNN_PARAMETERS}
a_tmp, y_tmp, caches_tmp = rnn_forward(x_tmp, a0_tmp, parameters_tmp)
da_tmp = np.random.randn(5, 10, 4)
gradients_tmp = rnn_backward(da_tmp, caches_tmp)

print("gradients[\\"dx\\"][1][2] =", gradients_tmp["dx"][1][2])
print("gradients[\\"da0\\"][2][3] =", gradients_tmp["da0"][2][3])
print("gradients[\\"dba\\"][4] =", gradients_tmp["dba"][4])"""),
    "lstm_cell_backward": ("### 3.3 - LSTM Backward Pass", f"""\
np.random.seed(1)
xt_tmp = np.random.randn(3, 10)
a_prev_tmp = np.random.randn(5, 10)
c_prev_tmp = np.random.randn(5, 10)
{_LSTM_PARAMETERS}
a_next_tmp, c_next_tmp, yt_tmp, cache_tmp = lstm_cell_forward(xt_tmp, a_prev_tmp, c_prev_tmp, parameters_tmp)

da_next_tmp = np.random.randn(5, 10)
dc_next_tmp = np.random.randn(5, 10)
gradients_tmp = lstm_cell_backward(da_next_tmp, dc_next_tmp, cache_tmp)
print("gradients[\\"dxt\\"][1][2] =", gradients_tmp["dxt"][1][2])
print("gradients[\\"dc_prev\\"][2][3] =", gradients_tmp["dc_prev"][2][3])"""),
    "lstm_backward": ("### 3.4 Backward Pass through the LSTM RNN", f"""\
np.random.seed(1)
x_tmp = np.random.randn(3, 10, 7)
a0_tmp = np.random.randn(5, 10)
{_LSTM_PARAMETERS}
a_tmp, y_tmp, c_tmp, caches_tmp = lstm_forward(x_tmp, a0_tmp, parameters_tmp)

da_tmp = np.random.randn(5, 10, 4)
gradients_tmp = lstm_backward(da_tmp, caches_tmp)

print("gradients[\\"dx\\"][1][2] =", gradients_tmp["dx"][1][2])
print("gradients[\\"da0\\"][2][3] =", gradients_tmp["da0"][2][3])"""),
}


def function_sources(path: Path = HERE / "exercise_style.py") -> dict[str, str]:
    """The source of each top-level function of ``path``, by name."""
    text = path.read_text()
    return {node.name: ast.get_source_segment(text, node)
            for node in ast.parse(text).body if isinstance(node, ast.FunctionDef)}


def exercise_notebook() -> nbformat.NotebookNode:
    """The notebook, cell ids numbered so that the file it writes is always the same."""
    functions = function_sources()
    cells = [
        new_markdown_cell("# Building your Recurrent Neural Network - Step by Step"),
        new_markdown_cell("## Packages"),
        new_code_cell("import numpy as np\nfrom rnn_utils import *\nfrom public_tests import *"),
        new_code_cell("%matplotlib inline\n%load_ext autoreload\n%autoreload 2"),
    ]
    for graded, (name, (heading, test)) in enumerate(_SECTIONS.items(), 1):
        header = (f"# UNQ_C{graded} (UNIQUE CELL IDENTIFIER, DO NOT EDIT)\n# GRADED FUNCTION: {name}\n\n"
                  if "backward" not in name else "")
        cells += [new_markdown_cell(heading), new_code_cell(header + functions[name]),
                  new_code_cell(test)]
    for number, cell in enumerate(cells, 1):
        cell.id = f"cell-{number}"
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    return notebook


def notebook_text() -> str:
    return nbformat.writes(exercise_notebook()) + "\n"


if __name__ == "__main__":
    NOTEBOOK.write_text(notebook_text())
    print(f"wrote {NOTEBOOK}")
