"""The vault's executable snippets: every one runs as plain Python from its rendered Markdown
(with @vault_path replaced, as the Execute Code plugin would) against a copy of the numeric
module, and prints what its note says it prints."""
from __future__ import annotations

import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from vault_builder import snippets as sn
from vault_builder.snippets import (
    SNIPPETS,
    Snippet,
    SnippetError,
    cache_key,
    copy_module,
    render_result,
    render_snippet,
    run_snippet,
)

CANONICAL = {
    "RLCT", "Free energy", "BIC", "Regular model", "Singularity", "Multiplicity",
    "Learning coefficient estimation", "Parameter-function map", "Stochastic gradient descent",
    "Phase transition", "15-parameter polynomial machine", "θ1θ2 toy model",
    "min(|x|,|y|) vs (xy)² trapping", "Volume scaling", "Brain vs computer efficiency",
}
FENCE = re.compile(r"^```python( \{pre\})?\n(.*?)^```$", re.M | re.S)


def markdown_to_script(markdown: str, vault: Path) -> str:
    """What a reader's Execute Code run amounts to: the {pre} block, then the code block, with
    @vault_path replaced by the quoted vault path."""
    blocks = FENCE.findall(markdown)
    assert [bool(pre) for pre, _ in blocks] == [True, False], "expected a {pre} block, then the code"
    code = "\n".join(body for _, body in blocks)
    return code.replace("@vault_path", repr(vault.as_posix()))


@pytest.fixture(scope="module")
def vault(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("vault")
    copy_module(root / "_code")
    return root


def _run_plain(snippet: Snippet, vault: Path, workdir: Path) -> subprocess.CompletedProcess:
    script = markdown_to_script(render_snippet(snippet), vault)
    path = workdir / f"{snippet.name}.py"
    path.write_text(script, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8", "MPLBACKEND": "Agg", "HOME": str(workdir)}
    return subprocess.run([sys.executable, path.name], cwd=workdir, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


@pytest.fixture(scope="module")
def outputs(vault, tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """Every snippet run once as plain Python, two at a time (two cores)."""
    work = tmp_path_factory.mktemp("run")
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = pool.map(lambda s: (s.name, _run_plain(s, vault, work)), SNIPPETS)
        return dict(done)


def test_there_are_at_least_eight_snippets_with_unique_names():
    assert len(SNIPPETS) >= 8
    assert len({s.name for s in SNIPPETS}) == len(SNIPPETS)
    assert all(re.fullmatch(r"[a-z0-9-]+", s.name) for s in SNIPPETS)


def test_snippets_belong_to_canonical_concepts_and_cover_the_issue_topics():
    used = {c for s in SNIPPETS for c in s.concepts}
    assert used <= CANONICAL, used - CANONICAL
    assert used == CANONICAL  # every listed concept gets at least one snippet


def test_each_snippet_states_one_checked_sentence():
    for s in SNIPPETS:
        assert s.expects.endswith(".") and "\n" not in s.expects
        assert s.checks, f"{s.name} has nothing to check"
        assert "import slt_numeric as slt" in s.code
        assert ("\nplt.show()" in s.code) == s.plot


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.name)
def test_snippet_runs_and_prints_what_the_note_states(snippet, outputs):
    proc = outputs[snippet.name]
    assert proc.returncode == 0, proc.stderr[-2000:]
    for pattern in snippet.checks:
        assert re.search(pattern, proc.stdout, re.M), f"{pattern!r} not in:\n{proc.stdout}"


def test_render_snippet_has_pre_block_then_code():
    s = SNIPPETS[0]
    md = render_snippet(s)
    assert md.startswith(f"**{s.title}.** {s.expects}")
    assert '```python {pre}\nimport sys\nsys.path.insert(0, @vault_path + "/_code")\n```' in md
    assert md.rstrip().endswith(f"```python\n{s.code.strip()}\n```")
    assert "{pre}" not in render_snippet(s, include_pre=False)


def test_render_result_embeds_output_and_image():
    res = sn.SnippetResult(stdout="λ = 1/2\n", png=b"\x89PNG")
    md = render_result(res, "Attachments/plot.png")
    assert md.startswith("```text\nλ = 1/2\n```\n") and "![[Attachments/plot.png]]" in md
    assert "![[" not in render_result(sn.SnippetResult(stdout="x"), "a.png")


def test_copy_module_is_deterministic_standalone_and_prunes_stale_files(tmp_path):
    a, b = tmp_path / "a" / "_code", tmp_path / "b" / "_code"
    copy_module(a)
    (b / "slt_numeric").mkdir(parents=True)
    (b / "slt_numeric" / "stale.py").write_text("raise ImportError\n")
    copy_module(b)
    names = sorted(p.name for p in (a / "slt_numeric").iterdir())
    assert names == sorted(p.name for p in (b / "slt_numeric").iterdir())
    assert names == sorted(p.name for p in sn.module_source_dir().glob("*.py"))
    for n in names:
        assert (a / "slt_numeric" / n).read_bytes() == (b / "slt_numeric" / n).read_bytes()
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); import slt_numeric as slt; "
        "assert not [m for m in sys.modules if m.startswith('vault_builder')]; "
        "assert 'matplotlib' not in sys.modules; print(slt.format_rlct(slt.rlct_rrr(2, 2, 1, 0)))"
    )
    out = subprocess.run([sys.executable, "-c", probe, str(a)], capture_output=True, text=True,
                         encoding="utf-8", cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "λ = 1, m = 2"


def test_numeric_package_imports_nothing_else_from_vault_builder():
    for path in sn.module_source_dir().glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "vault_builder" not in re.sub(r'""".*?"""', "", text, flags=re.S), path.name
        assert not re.search(r"^from \.\.", text, re.M), path.name
        assert not re.search(r"^import matplotlib", text, re.M), path.name  # lazy only


PLOTTER = Snippet(
    name="probe", concepts=[], title="probe", expects="It prints λ = 1.", plot=True,
    code=("import slt_numeric as slt\nimport matplotlib.pyplot as plt\n\n"
          "plt.plot([0, 1], [0, 1])\nprint(slt.format_rlct(slt.rlct_regular(2)))\nplt.show()\n"),
)


def test_run_snippet_returns_stdout_and_png_and_caches(tmp_path, vault, monkeypatch):
    cache = tmp_path / "cache"
    first = run_snippet(PLOTTER, vault / "_code", cache)
    assert first.stdout == "λ = 1, m = 1\n" and not first.cached
    assert first.png is not None and first.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert sorted(p.suffix for p in cache.iterdir()) == [".json", ".png"]

    def no_subprocess(*a, **k):
        raise AssertionError("cache miss")

    monkeypatch.setattr(sn.subprocess, "run", no_subprocess)
    again = run_snippet(PLOTTER, vault / "_code", cache)
    assert again.cached and again.stdout == first.stdout and again.png == first.png


def test_cache_key_tracks_code_and_module(tmp_path, vault):
    key = cache_key(PLOTTER, vault / "_code")
    assert key == cache_key(PLOTTER, vault / "_code")
    changed = Snippet(**{**PLOTTER.__dict__, "code": PLOTTER.code + "print(1)\n"})
    assert cache_key(changed, vault / "_code") != key
    other = tmp_path / "_code"
    copy_module(other)
    assert cache_key(PLOTTER, other) == key
    (other / "slt_numeric" / "exact.py").write_text("# edited\n", encoding="utf-8")
    assert cache_key(PLOTTER, other) != key


def test_run_snippet_reports_failures(vault):
    bad = Snippet(name="bad", concepts=[], title="bad", expects="Nothing.",
                  code="import slt_numeric as slt\nslt.rlct_regular(-1)\n")
    with pytest.raises(SnippetError, match="rlct_regular|ValueError"):
        run_snippet(bad, vault / "_code", None)
    silent = Snippet(name="silent", concepts=[], title="silent", expects="Nothing.", plot=True,
                     code="import slt_numeric as slt\nprint(1)\n")
    with pytest.raises(SnippetError, match="plt.show"):
        run_snippet(silent, vault / "_code", None)
