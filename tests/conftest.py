"""Shared test options and fixtures.

--update-golden   rewrite tests/golden/expected/ from the current build instead of comparing.
default_build     the bundled corpus built once per test session (anki and snippets included);
                  returns the output folder (vault/, anki/, items.jsonl, graph.json, ...).
no_snippets       builds in this test skip running the executable snippets (fast, platform-free).

Builds in the tests cache snippet results in the system temp folder (VAULT_BUILDER_CACHE points
there, so the user's own cache is never touched); results are keyed by snippet code + numeric
module source, so only the first session on a machine pays for running them.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

TEST_CACHE = Path(tempfile.gettempdir()) / "vault-builder-test-cache"
os.environ["VAULT_BUILDER_CACHE"] = str(TEST_CACHE)


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


@pytest.fixture
def no_snippets(monkeypatch):
    monkeypatch.setattr("vault_builder.render.computations.ENABLED", False)
