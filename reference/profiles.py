"""Hypothesis settings profiles of the property suite and of the project's tests.

Chosen by the ``HYPOTHESIS_PROFILE`` environment variable; with ``CI`` set and
no explicit choice, the ``ci`` profile. JAX-backed properties have no
deadline: the first example of a new bucket shape includes a compilation.

The pytest plugin (:mod:`reference.pytest_plugin`) applies the chosen profile
to its own tests only (:func:`suite_settings`), so a user's own Hypothesis
tests keep their settings; this project's ``tests/conftest.py`` also loads it
globally for its internal tests (:func:`register_profiles`).

``rnn-verify`` does not read them: :func:`reference.runner.search` sets its own
settings for each check (``--examples``, ``--seed``, no deadline, no example
database), so a profile in the environment never changes its search.

========== ============ ============ ===============================================
profile    examples     derandomized use
========== ============ ============ ===============================================
dev        30           no           quick local runs
ci         100          yes          ``make test`` on CI: reproducible, sized for 2 cores
thorough   1500         no           ``make thorough``: over 100,000 fresh examples on both cores
mutation   10           yes          ``make mutation``: many runs of the suite
========== ============ ============ ===============================================

The counts are per test (one property, one family, one dtype).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

# No ``explain`` phase: it lists the lines "only run by failing test cases",
# which are the harness's own lines here, not the implementation's mistake
# (the failure message already names the function, key, element and time step).
_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True,
               phases=[p for p in Phase if p is not Phase.explain])

PROFILES = {
    "dev": dict(max_examples=30),
    "ci": dict(max_examples=100, derandomize=True),
    "thorough": dict(max_examples=1500),
    "mutation": dict(max_examples=10, derandomize=True),
}


def profile_name() -> str:
    """The profile the environment asks for: ``HYPOTHESIS_PROFILE``, else ``ci`` under CI, else ``dev``."""
    default = "ci" if os.environ.get("CI") else "dev"
    name = os.environ.get("HYPOTHESIS_PROFILE", default)
    if name not in PROFILES:
        raise ValueError(f"HYPOTHESIS_PROFILE={name!r} is not one of {sorted(PROFILES)}")
    return name


def suite_settings(name: str | None = None) -> settings:
    """The settings of profile ``name`` (default :func:`profile_name`), registering nothing."""
    return settings(**_COMMON, **PROFILES[name or profile_name()])


def register_profiles() -> str:
    """Register every profile and load the one the environment asks for; return its name."""
    for name, kwargs in PROFILES.items():
        settings.register_profile(name, **_COMMON, **kwargs)
    name = profile_name()
    settings.load_profile(name)
    return name
