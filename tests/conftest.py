"""Shared test options and fixtures.

--update-golden   rewrite tests/golden/expected/ from the current build instead of comparing.
default_build     the bundled corpus built once per test session (anki and snippets included);
                  returns the output folder (vault/, anki/, items.jsonl, graph.json, ...).
no_snippets       builds in this test skip running the executable snippets (fast, platform-free).

Snippet results are cached between test sessions in the system temp folder
(vault-builder-test-snippets), keyed like the build's own cache (snippet code + numeric module
source), so only the first session on a machine pays for running them.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

SNIPPET_CACHE = Path(tempfile.gettempdir()) / "vault-builder-test-snippets"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the expected golden vault trees (tests/golden/expected) from the current build")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))


def _copy_tree(src: Path, dest: Path) -> None:
    if not src.is_dir():
        return
    for path in src.glob("*.*"):
        target = dest / path.name
        if path.is_file() and not target.exists():
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


@pytest.fixture(scope="session")
def default_build(tmp_path_factory):
    """Output folder of `vault build` on the bundled corpus (built once per session)."""
    from vault_builder.pipeline import BuildOptions, build

    out = tmp_path_factory.mktemp("default-build") / "output"
    _copy_tree(SNIPPET_CACHE, out / ".cache" / "snippets")
    result = build(BuildOptions(out=out))
    _copy_tree(out / ".cache" / "snippets", SNIPPET_CACHE)
    assert not result.failed, [str(p) for p in result.problems]
    return out


@pytest.fixture
def no_snippets(monkeypatch):
    monkeypatch.setattr("vault_builder.render.computations.ENABLED", False)
