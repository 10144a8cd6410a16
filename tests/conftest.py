"""Suite options: ``--impl MODULE`` chooses the implementation under test."""

from __future__ import annotations

import pytest

from reference.profiles import register_profiles
from reference.properties import Implementation, ImplementationError, load_implementation

PROFILE = register_profiles()


def pytest_addoption(parser):
    parser.addoption(
        "--impl",
        default="manual_rnn",
        metavar="MODULE",
        help="implementation to check: a dotted module name or a path to a .py file "
        "(default: manual_rnn)",
    )


def pytest_report_header(config):
    return [f"implementation: {config.getoption('--impl')}", f"hypothesis profile: {PROFILE}"]


@pytest.fixture(scope="session")
def impl(request) -> Implementation:
    spec = request.config.getoption("--impl")
    try:
        return Implementation(load_implementation(spec), label=spec)
    except ImplementationError as exc:
        raise pytest.UsageError(str(exc)) from None
