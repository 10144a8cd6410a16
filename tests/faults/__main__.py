"""Print the fault catalog's table: ``python -m tests.faults``."""

import reference  # noqa: F401  (switches JAX to float64 before anything runs)
from tests.faults._catalog import fault_names, hunt, table

print(table([hunt(name) for name in fault_names()]))
