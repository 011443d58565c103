"""Shared test options and fixtures.

--update-golden   rewrite tests/golden/expected/ from the current build instead of comparing.
default_build     the bundled corpus built once per test session (anki included); returns the
                  output folder (vault/, anki/, items.jsonl, graph.json, build-report.json).
"""
from __future__ import annotations

import pytest


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the expected golden vault trees (tests/golden/expected) from the current build")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def default_build(tmp_path_factory):
    """Output folder of `vault build` on the bundled corpus (built once per session)."""
    from vault_builder.pipeline import BuildOptions, build

    out = tmp_path_factory.mktemp("default-build") / "output"
    result = build(BuildOptions(out=out))
    assert not result.failed, [str(p) for p in result.problems]
    return out
