"""Executable Python snippets for the vault's notes, and the runner that embeds their output.

Each :class:`Snippet` belongs on the notes of one or more concepts.  In a note it is rendered
(:func:`render_snippet`) as a ```` ```python {pre} ```` block that puts the vault's ``_code``
folder on ``sys.path`` — the Obsidian Execute Code plugin replaces ``@vault_path`` with the
vault's path as a quoted string and runs ``{pre}`` blocks before every later Python block of the
note — followed by the snippet's own ```` ```python ```` block, which does
``import slt_numeric as slt``.  :func:`copy_module` puts the numeric package there.

The build runs every snippet as plain Python (:func:`run_snippet`) and embeds its stdout, and a
PNG when the snippet plots, under the block, so notes read well without the plugin.

Plots: a snippet with ``plot=True`` imports ``matplotlib.pyplot as plt`` and ends with a
``plt.show()`` line at column 0 — the line Execute Code replaces to embed the figure inline.
:func:`run_snippet` instead runs a prologue that selects the Agg backend and replaces
``plt.show`` by a function saving the current figure as PNG to the path in the environment
variable ``SLT_PLOT_PATH`` (a file ``plot.png`` in the run's temporary working directory).

Results are cached in ``cache_dir`` under the SHA-256 of (runner version, the plain-Python
script, the source of the numeric package that the script imports): editing a snippet or the
module reruns it, anything else reuses the cached output.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MODULE_NAME = "slt_numeric"
"""Name of the numeric package inside the vault's ``_code`` folder."""
CODE_FOLDER = "_code"
"""The vault folder that holds the module copy."""
PRE_CODE = 'import sys\nsys.path.insert(0, @vault_path + "/_code")'
"""Body of the ``{pre}`` block: @vault_path is Execute Code's magic for the vault path."""
RUNNER_VERSION = "1"
"""Bump when the runner's behaviour changes, to invalidate cached results."""
PLOT_ENV = "SLT_PLOT_PATH"
PLOT_FILE = "plot.png"
DEFAULT_TIMEOUT = 120.0

_PLOT_PROLOGUE = f'''\
import os as _slt_os
import matplotlib as _slt_mpl
_slt_mpl.use("Agg")
import matplotlib.pyplot as _slt_plt


def _slt_show(*_args, **_kwargs):
    _slt_plt.savefig(_slt_os.environ["{PLOT_ENV}"], dpi=100, metadata={{"Software": None}})
    _slt_plt.close("all")


_slt_plt.show = _slt_show
'''


@dataclass(frozen=True)
class Snippet:
    """One executable snippet and what its output must show."""

    name: str
    """Short stable id, e.g. "poly15" (also used for cache and image file names)."""
    concepts: list[str]
    """Canonical concept names of the notes the snippet belongs on."""
    title: str
    """Heading shown above the code."""
    code: str
    """Python that does ``import slt_numeric as slt`` (runs after the {pre} block)."""
    expects: str
    """One sentence the note states about the output; the tests check it via ``checks``."""
    plot: bool = False
    """Whether the snippet ends with ``plt.show()`` and the build should embed a PNG."""
    checks: tuple[str, ...] = field(default=())
    """Regular expressions (re.MULTILINE) that stdout must match: the numbers in ``expects``."""


@dataclass(frozen=True)
class SnippetResult:
    """What running a snippet produced."""

    stdout: str
    png: bytes | None = None
    cached: bool = False
    """True when the result came from the cache."""


class SnippetError(RuntimeError):
    """A snippet failed (non-zero exit or timeout); the message ends with its stderr."""


def snippets_for(concept: str) -> list[Snippet]:
    """The snippets that belong on the note of ``concept`` (exact canonical name)."""
    return [s for s in SNIPPETS if concept in s.concepts]


def render_pre_block() -> str:
    """The ```` ```python {pre} ```` block that makes ``_code`` importable inside Obsidian."""
    return f"```python {{pre}}\n{PRE_CODE}\n```\n"


def render_snippet(snippet: Snippet, *, include_pre: bool = True) -> str:
    """Markdown for a note: title, the sentence about the output, {pre} block, code block.

    Pass ``include_pre=False`` for the second and later snippets of one note (a {pre} block
    applies to every Python block below it).  The output goes below (:func:`render_result`).
    """
    parts = [f"**{snippet.title}.** {snippet.expects}\n"]
    if include_pre:
        parts.append(render_pre_block())
    parts.append(f"```python\n{snippet.code.strip()}\n```\n")
    return "\n".join(parts)


def render_result(result: SnippetResult, image_link: str | None = None) -> str:
    """Markdown for the embedded output: a ```` ```text ```` block, then ``![[image_link]]``."""
    out = f"```text\n{result.stdout.rstrip()}\n```\n"
    if image_link and result.png is not None:
        out += f"\n![[{image_link}]]\n"
    return out


def plain_python(snippet: Snippet, code_dir: Path) -> str:
    """The {pre} block and the snippet as one plain-Python script importing from ``code_dir``.

    ``@vault_path + "/_code"`` becomes the literal path of ``code_dir`` (any other
    ``@vault_path`` becomes its parent), as Execute Code would substitute it.
    """
    code_dir = Path(code_dir).resolve()
    pre = PRE_CODE.replace('@vault_path + "/_code"', repr(code_dir.as_posix()))
    body = snippet.code.replace("@vault_path", repr(code_dir.parent.as_posix()))
    return f"{pre}\n\n{body.strip()}\n"


def module_source_dir() -> Path:
    """The numeric package in this installation (what :func:`copy_module` copies)."""
    return Path(__file__).resolve().parent / "numeric"


def copy_module(dest_code_dir: Path) -> list[Path]:
    """Copy the numeric package's .py files to ``dest_code_dir/slt_numeric/``.

    Deterministic: files in sorted order, byte-for-byte; stale .py files in the destination
    package (and its __pycache__) are removed.  Returns the written paths.
    """
    src = module_source_dir()
    dest = Path(dest_code_dir) / MODULE_NAME
    dest.mkdir(parents=True, exist_ok=True)
    wanted = sorted(p.name for p in src.glob("*.py"))
    for old in sorted(dest.glob("*.py")):
        if old.name not in wanted:
            old.unlink()
    shutil.rmtree(dest / "__pycache__", ignore_errors=True)
    written = []
    for name in wanted:
        data = (src / name).read_bytes()
        target = dest / name
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
        written.append(target)
    return written


def _package_source(code_dir: Path) -> bytes:
    pkg = Path(code_dir) / MODULE_NAME
    if not pkg.is_dir():
        pkg = module_source_dir()
    return b"".join(p.name.encode() + b"\0" + p.read_bytes() for p in sorted(pkg.glob("*.py")))


def cache_key(snippet: Snippet, code_dir: Path) -> str:
    """SHA-256 of the runner version, the snippet's code and the numeric package's source."""
    h = hashlib.sha256()
    h.update(RUNNER_VERSION.encode() + b"\0")
    h.update(PRE_CODE.encode() + b"\0" + snippet.code.encode() + b"\0")
    h.update(str(snippet.plot).encode() + b"\0")
    h.update(_package_source(code_dir))
    return h.hexdigest()


def _read_cache(cache_dir: Path, key: str) -> SnippetResult | None:
    meta = cache_dir / f"{key}.json"
    if not meta.is_file():
        return None
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    png = None
    if data.get("png"):
        png_path = cache_dir / f"{key}.png"
        if not png_path.is_file():
            return None
        png = png_path.read_bytes()
    return SnippetResult(stdout=data["stdout"], png=png, cached=True)


def _write_cache(cache_dir: Path, key: str, result: SnippetResult) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    if result.png is not None:
        (cache_dir / f"{key}.png").write_bytes(result.png)
    tmp = cache_dir / f"{key}.json.tmp"
    tmp.write_text(json.dumps({"stdout": result.stdout, "png": result.png is not None}), encoding="utf-8")
    tmp.replace(cache_dir / f"{key}.json")


def run_snippet(snippet: Snippet, code_dir: Path, cache_dir: Path | None = None, *,
                timeout: float = DEFAULT_TIMEOUT) -> SnippetResult:
    """Run ``snippet`` as plain Python in a subprocess and return its stdout (and PNG).

    ``code_dir`` is the folder that contains ``slt_numeric/`` (the vault's ``_code``; see
    :func:`copy_module`).  With ``cache_dir``, results are looked up and stored there under
    :func:`cache_key`.  Raises :class:`SnippetError` if the script fails or times out.
    """
    code_dir = Path(code_dir)
    key = cache_key(snippet, code_dir)
    if cache_dir is not None:
        hit = _read_cache(Path(cache_dir), key)
        if hit is not None:
            return hit
    script = plain_python(snippet, code_dir)
    if snippet.plot:
        script = _PLOT_PROLOGUE + "\n" + script
    with tempfile.TemporaryDirectory(prefix="slt-snippet-") as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "snippet.py").write_text(script, encoding="utf-8")
        env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONHASHSEED="0", MPLBACKEND="Agg",
                   PYTHONDONTWRITEBYTECODE="1")
        env[PLOT_ENV] = str(tmp_path / PLOT_FILE)
        env.pop("PYTHONPATH", None)
        try:
            proc = subprocess.run([sys.executable, "snippet.py"], cwd=tmp, env=env,
                                  capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise SnippetError(f"snippet {snippet.name!r} timed out after {timeout:g} s") from exc
        stdout = proc.stdout.decode("utf-8", errors="replace")
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()[-15:]
            raise SnippetError(f"snippet {snippet.name!r} exited with {proc.returncode}:\n" + "\n".join(err))
        png_path = tmp_path / PLOT_FILE
        png = png_path.read_bytes() if snippet.plot and png_path.is_file() else None
    if snippet.plot and png is None:
        raise SnippetError(f"snippet {snippet.name!r} is marked plot=True but did not call plt.show()")
    result = SnippetResult(stdout=stdout, png=png)
    if cache_dir is not None:
        _write_cache(Path(cache_dir), key, result)
    return result

# --- the snippets -------------------------------------------------------------------------

SNIPPET_DEFS: list[dict] = [
    dict(
        name='rlct-exact',
        concepts=['RLCT', 'Singularity'],
        title='Exact learning coefficients',
        plot=False,
        expects=(
            'K = (w1 w2)² has λ = 1/2 with multiplicity m = 2, below the regular value λ = 1 of two'
            ' parameters, and reduced-rank regression with M = N = 2, H = 1, r = 0 has λ = 1, m = '
            '2.'
        ),
        checks=(
            r'^regular, d = 2\s+λ = 1, m = 1$',
            r'^K = \(w1 w2\)\^2\s+λ = 1/2, m = 2$',
            r'^RRR M=N=2, H=1, r=0\s+λ = 1, m = 2$',
            r'^RRR M=N=H=r=3\s+λ = 9/2, m = 1$',
            r'^tanh net, H = 2\s+λ = 2/3, m = 1$',
        ),
        code="""\
import slt_numeric as slt

models = {
    "regular, d = 2": slt.rlct_regular(2),
    "K = (w1 w2)^2": slt.rlct_normal_crossing((1, 1)),
    "K = w1^2 + w2^4": slt.rlct_sum(slt.rlct_regular(1), slt.rlct_normal_crossing((2,))),
    "K = w1^2 (w2^2 + w3^2)": slt.rlct_product(slt.rlct_regular(1), slt.rlct_regular(2)),
    "K = (w1 w2 w3)^2": slt.rlct_monomial(3),
    "RRR M=N=2, H=1, r=0": slt.rlct_rrr(2, 2, 1, 0),
    "RRR M=N=H=r=3": slt.rlct_rrr(3, 3, 3, 3),
    "tanh net, H = 2": slt.rlct_tanh(2),
}
for name, pair in models.items():
    print(f"{name:24s} {slt.format_rlct(pair)}")
""",
    ),
    dict(
        name='multiplicity',
        concepts=['Multiplicity'],
        title='Multiplicity biases single-temperature estimates',
        plot=False,
        expects=(
            'For K = (w1⋯wk)² the exact λ is 1/2 for every k, with m = k; a single temperature β = '
            '10⁴ reports 0.41 for k = 2 and 0.33 for k = 3, while the ladder fit (with m fitted, '
            'not given) returns 0.50 and the right m.'
        ),
        checks=(
            r'^k = 1: exact λ = 1/2, m = 1 \| single beta = 1e4: 0\.50\d \| ladder fit: 0\.50\d \(m = 1\)$',
            r'^k = 2: exact λ = 1/2, m = 2 \| single beta = 1e4: 0\.41\d \| ladder fit: 0\.50\d \(m = 2\)$',
            r'^k = 3: exact λ = 1/2, m = 3 \| single beta = 1e4: 0\.3[23]\d \| ladder fit: 0\.50\d \(m = 3\)$',
        ),
        code="""\
import numpy as np
import slt_numeric as slt

# K = (w1 ... wk)^2: lambda = 1/2 for every k, multiplicity m = k
for k in (1, 2, 3):
    K = lambda w: np.prod(w**2, axis=-1)
    est = slt.estimate_rlct(K, k, betas=np.logspace(3, 10, 8))
    print(f"k = {k}: exact {slt.format_rlct(slt.rlct_monomial(k))} | "
          f"single beta = 1e4: {est.lam_eff_at(1e4):.3f} | ladder fit: {est.lam:.3f} (m = {est.m})")
""",
    ),
    dict(
        name='free-energy-vs-bic',
        concepts=['Free energy', 'BIC'],
        title='Free energy: singular formula against BIC',
        plot=True,
        expects=(
            'Matched at n = 100, the singular formula λ log n − (m − 1) log log n stays within 0.3 '
            'nats of the numerically integrated free energy of K = (w1 w2)² up to n = 10⁸, while '
            "BIC's error grows to 8 nats."
        ),
        checks=(
            r'^\s+1e\+03\s+2\.08\d\s+-0\.1\d\d\s+1\.4\d\d$',
            r'^\s+1e\+08\s+7\.01\d\s+-0\.2\d\d\s+8\.0\d\d$',
        ),
        code="""\
import numpy as np
import slt_numeric as slt
import matplotlib.pyplot as plt

# K = (w1 w2)^2 on [-1, 1]^2: lambda = 1/2, m = 2, d = 2
K = lambda w: (w[..., 0] * w[..., 1]) ** 2
rows = slt.compare_free_energy(K, 2, np.logspace(2, 8, 7), lam=0.5, m=2, d=2)
print("       n   numeric F_n   singular err   BIC err")
for r in rows:
    print(f"{r.n:8.0e} {r.numeric:12.3f} {r.singular_error:14.3f} {r.bic_error:9.3f}")
slt.plot_free_energy(rows)
plt.show()
""",
    ),
    dict(
        name='llc-estimation',
        concepts=['Learning coefficient estimation'],
        title='Estimating λ on a ladder of temperatures',
        plot=True,
        expects=(
            'For K = w1²w2² + w3⁴ (exact λ = 3/4, m = 2) the single-temperature value at β = n/log '
            'n with n = 10⁴ is 15% low, while the ladder fit with m = 2 is within 0.5% of 3/4.'
        ),
        checks=(
            r'^exact: λ = 3/4, m = 2$',
            r'^single temperature \(beta = n/log n, n = 1e4\): 0\.63\d \(-15%\)$',
            r'^ladder fit with m = 2: 0\.7[45]\d \([-+]0\.[0-4]%\)$',
        ),
        code="""\
import numpy as np
import slt_numeric as slt
import matplotlib.pyplot as plt

# K = w1^2 w2^2 + w3^4: lambda = 1/2 + 1/4 = 3/4, m = 2 (sum rule)
K = lambda w: w[..., 0] ** 2 * w[..., 1] ** 2 + w[..., 2] ** 4
exact = slt.rlct_sum(slt.rlct_normal_crossing((1, 1)), slt.rlct_normal_crossing((2,)))
n = 1e4
nbeta = n / np.log(n)   # the single temperature that SGLD-based tools use
est = slt.estimate_rlct(K, 3, m=2, betas=np.logspace(np.log10(nbeta), 10, 8))
single = est.lam_eff[0]
print(f"exact: {slt.format_rlct(exact)}")
print(f"single temperature (beta = n/log n, n = 1e4): {single:.3f} "
      f"({single / float(exact[0]) - 1:+.0%})")
print(f"ladder fit with m = 2: {est.lam:.3f} ({est.lam / float(exact[0]) - 1:+.1%})")
slt.plot_lam_eff(est, exact_lam=exact[0])
plt.show()
""",
    ),
    dict(
        name='poly15',
        concepts=['15-parameter polynomial machine', 'Parameter-function map'],
        title='The 15-parameter machine: same λ, different multiplicity',
        plot=True,
        expects=(
            'Both solutions have λ = 5/2; f = x⁴ has multiplicity 11 and f = 1 has 7, so at every '
            'finite n an ideal sampler reports a lower value at x⁴ (1.68 against 1.99 at n = 10⁴): '
            'the difference in the comment thread\'s "lower RLCT" is multiplicity, not λ.'
        ),
        checks=(
            r'^f = x\^4: λ = 5/2, m = 11$',
            r'^f = 1:\s+λ = 5/2, m = 7$',
            r'^\s+n = 1e\+04:\s+x\^4 1\.68\s+1 1\.99$',
            r'^\s+n = 1e\+08:\s+x\^4 2\.02\s+1 2\.21$',
        ),
        code="""\
import slt_numeric as slt
import matplotlib.pyplot as plt

# f(x) = t1 x^4 + t2 t3 x^3 + t4 t5 t6 x^2 + t7...t10 x + t11...t15
x4, one = slt.POLY15_X4, slt.POLY15_ONE   # the solutions f = x^4 and f = 1
print("f = x^4:", slt.format_rlct(slt.poly15_rlct(x4)))
print("f = 1:  ", slt.format_rlct(slt.poly15_rlct(one)))
print("lambda_eff an ideal sampler reports at finite n:")
for n in (1e2, 1e4, 1e6, 1e8):
    a, b = slt.poly15_lam_eff(x4, n)[0], slt.poly15_lam_eff(one, n)[0]
    print(f"  n = {n:.0e}:  x^4 {a:.2f}   1 {b:.2f}")
slt.plot_poly15()
plt.show()
""",
    ),
    dict(
        name='theta1theta2',
        concepts=['θ1θ2 toy model', 'Singularity'],
        title='Posterior mass at the singular point of K = θ1²θ2²',
        plot=True,
        expects=(
            'The square of half-width 0.1 at the origin holds 3.4% of the posterior at n = 10², 18%'
            ' at 10⁴ and 55% at 10⁸, while a same-size square at (0.5, 0) on the same axis holds '
            '2–4% throughout: the singularity wins, but only logarithmically in n.'
        ),
        checks=(
            r'^\s+1e\+02\s+0\.034\s+0\.032$',
            r'^\s+1e\+04\s+0\.183\s+0\.036$',
            r'^\s+1e\+08\s+0\.548\s+0\.020$',
        ),
        code="""\
import slt_numeric as slt
import matplotlib.pyplot as plt

# K = t1^2 t2^2, prior uniform on [-1, 1]^2, posterior proportional to exp(-n K)
print("posterior mass of squares of half-width 0.1")
print("       n   at (0, 0)   at (0.5, 0)")
for n in (1e2, 1e4, 1e6, 1e8):
    mass = slt.theta1theta2_mass(n, eps=0.1)
    print(f"{n:8.0e} {mass[(0.0, 0.0)]:11.3f} {mass[(0.5, 0.0)]:13.3f}")
slt.plot_theta1theta2()
plt.show()
""",
    ),
    dict(
        name='trapping',
        concepts=['min(|x|,|y|) vs (xy)² trapping'],
        title='Time spent near the origin: min(|x|,|y|) against (xy)²',
        plot=True,
        expects=(
            'For min(|x|,|y|) the long-run fraction of time in [−0.1, 0.1]² stays at ε = 0.1 at '
            'every β, while for (xy)² it keeps growing (0.03 at β = 10², 0.42 at 10⁶, 0.55 at 10⁸);'
            ' a short Metropolis-adjusted Langevin run at β = 100 agrees with the exact values.'
        ),
        checks=(
            r'^\s+1e\+02\s+0\.091\s+0\.034$',
            r'^\s+1e\+06\s+0\.100\s+0\.416$',
            r'^\s+1e\+08\s+0\.100\s+0\.548$',
            r'^MALA simulation at beta = 100: min 0\.(08\d|09\d|10[0-2]), \(xy\)\^2 0\.0(2[7-9]|3\d|4[01])$',
        ),
        code="""\
import slt_numeric as slt
import matplotlib.pyplot as plt

# stationary law of Langevin dynamics on [-1, 1]^2: proportional to exp(-beta L)
print("fraction of time in [-0.1, 0.1]^2 (exact)")
print("    beta   min(|x|,|y|)    (xy)^2")
for beta in (1e2, 1e4, 1e6, 1e8):
    print(f"{beta:8.0e} {slt.trapping_fraction('min', beta):12.3f} "
          f"{slt.trapping_fraction('xy2', beta):9.3f}")
sim_min = slt.simulate_trapping("min", 100.0, n_chains=400, n_steps=1500)
sim_xy2 = slt.simulate_trapping("xy2", 100.0, n_chains=400, n_steps=1500)
print(f"MALA simulation at beta = 100: min {sim_min:.3f}, (xy)^2 {sim_xy2:.3f}")
slt.plot_trapping()
plt.show()
""",
    ),
    dict(
        name='volume-scaling',
        concepts=['Volume scaling', 'RLCT'],
        title='Volume scaling and its local slopes',
        plot=True,
        expects=(
            'The local slope d log V/d log t is exactly 1 for w1² + w2², but for (w1 w2)² it is '
            'still only 0.45 at t = 10⁻⁸ and for (w1 w2 w3)² 0.40: both creep up to λ = 1/2 like λ '
            '− (m − 1)/log(1/t).'
        ),
        checks=(
            r'^w1\^2 \+ w2\^2 .*\s1\.000\s+1\.000\s+1\.000$',
            r'^\(w1 w2\)\^2 .*\s0\.411\s+0\.451\s+0\.474$',
            r'^\(w1 w2 w3\)\^2 .*\s0\.327\s+0\.403\s+0\.449$',
        ),
        code="""\
import numpy as np
import slt_numeric as slt
import matplotlib.pyplot as plt

# V(t) = prior mass of {K < t} on [-1, 1]^d, exact; local slope d log V / d log t
ts = np.logspace(-17, -3, 141)
volumes = {
    "w1^2 + w2^2      (lambda = 1,   m = 1)": np.pi * ts / 4,
    "(w1 w2)^2        (lambda = 1/2, m = 2)": slt.volume_monomial(2, ts),
    "(w1 w2 w3)^2     (lambda = 1/2, m = 3)": slt.volume_monomial(3, ts),
}
print("local slope at t =                        1e-4    1e-8   1e-16")
for name, v in volumes.items():
    slope = slt.local_slopes(ts, v)
    at = [slope[np.argmin(abs(np.log10(ts) - e))] for e in (-4, -8, -16)]
    print(name, "  ".join(f"{s:6.3f}" for s in at))
slt.plot_volume_scaling()
plt.show()
""",
    ),
    dict(
        name='sgd-learning-rate',
        concepts=['Stochastic gradient descent'],
        title='The learning rate at which SGD would sample the posterior',
        plot=False,
        expects=(
            "Matching SGD's equilibrium to the Bayesian posterior needs η ≈ 2 N n_b / D ≈ 3.7 × 10⁶"
            " for GPT-3's size, batch and data — about 6 × 10¹⁰ times its actual learning rate of 6"
            ' × 10⁻⁵, the comment\'s "pretty bad prediction".'
        ),
        checks=(
            r'posterior: 3\.73e\+06$',
            r'^ratio: 6\.2e\+10$',
        ),
        code="""\
import slt_numeric as slt

# eta = 2 n_b / (sigma^2 D) with sigma^2 = 1/N: eta = 2 N n_b / D
N, n_b, D = 1.75e11, 3.2e6, 3.0e11   # GPT-3: parameters, tokens per batch, training tokens
eta = slt.sgd_bayes_learning_rate(N, n_b, D)
print(f"learning rate that makes SGD sample the posterior: {eta:.2e}")
print(f"GPT-3's actual learning rate:                      {6e-5:.0e}")
print(f"ratio: {eta / 6e-5:.1e}")
""",
    ),
    dict(
        name='brains',
        concepts=['Brain vs computer efficiency'],
        title='Brains against computers, by Monte Carlo',
        plot=True,
        expects=(
            "The Monte Carlo reproduces the post: a supercomputer uses about 530 times the brain's "
            'energy per FLOP (90% interval 450–630), captures sunlight a median 230 times more '
            'efficiently, and evolving brains took about 10^41 FLOPs (10^38.5–10^44, i.e. '
            "10^15–10^20.5 times GPT-3's training); with uncertain brain FLOP/s the median ratio is"
            ' near 800 (the post: 830) and the mean, about 10^20 with 1000 samples (the post: '
            '~10^19), keeps growing with the sample size.'
        ),
        checks=(
            r'^supercomputer / brain J per FLOP\s+median 53\d\s+90% \[44\d, 63\d\]$',
            r'^sunlight efficiency, computer / human\s+median 2[23]\d\s',
            r'^log10 FLOPs to evolve brains\s+median 41\.0\s+90% \[38\.5, 44\.0\]$',
            r'^log10 \(evolution / GPT-3 training FLOPs\)\s+median 17\.5\s+90% \[15\.0, 20\.5\]$',
            r'median ratio (7[5-9]\d|8[0-4]\d); log10 of the mean (19\.\d|20\.\d) with 1000 samples, 2\d\.\d with 100000$',
        ),
        code="""\
import slt_numeric as slt
import matplotlib.pyplot as plt

r = slt.brain_vs_computer(n=200_000, seed=0)   # Monte Carlo of the post's Squiggle model
def show(label, s, fmt):
    print(f"{label:44s} median {s.median:{fmt}}  90% [{s.p5:{fmt}}, {s.p95:{fmt}}]")
show("brain J/FLOP", r["brain_J_per_FLOP"], ".2e")
show("supercomputer J/FLOP", r["supercomputer_J_per_FLOP"], ".2e")
show("supercomputer / brain J per FLOP", r["energy_ratio"], ".0f")
show("sunlight efficiency, computer / human", r["efficiency_ratio"], ".0f")
show("log10 FLOPs to evolve brains", r["evolution_log10_FLOPs"], ".1f")
show("log10 (evolution / GPT-3 training FLOPs)", r["evolution_over_gpt3_log10"], ".1f")
show("$ per FLOP/s, human / supercomputer", r["dollar_ratio"], ".2f")
u = r["energy_ratio_uncertain_brain"]
print(f"with brain FLOP/s = 10^(10 to 23): median ratio {u.median:.0f}; log10 of the mean "
      f"{slt.tail_mean_log10(1000):.1f} with 1000 samples, {slt.tail_mean_log10(100_000):.1f} with 100000")
slt.plot_brains()
plt.show()
""",
    ),
    dict(
        name='phase-transition',
        concepts=['Phase transition'],
        title='When does the posterior switch phase?',
        plot=False,
        expects=(
            'A phase that fits worse by 0.01 nats per sample but has λ = 1/2 holds the posterior '
            'against one with λ = 3/2 until n ≈ 650 (36 for a gap of 0.1, about 9 100 for 0.001): '
            'the trade-off between loss and λ is a phase transition in n.'
        ),
        checks=(
            r'^\s+0\.1\s+36$',
            r'^\s+0\.01\s+647$',
            r'^\s+0\.001\s+9118$',
        ),
        code="""\
import slt_numeric as slt

# phase A: simpler (lambda = 1/2) but worse by delta nats per sample; phase B: lambda = 3/2
print("loss gap per sample   n where the posterior switches to the better-fitting phase")
for delta in (0.1, 0.01, 0.001):
    n = slt.free_energy_crossover(delta, lam_a=0.5, lam_b=1.5)
    print(f"{delta:17g}   {n:12.0f}")
""",
    ),
    dict(
        name='regular-model',
        concepts=['Regular model'],
        title='A regular model: λ = d/2',
        plot=False,
        expects=(
            'The tempered-SMC estimator recovers λ = d/2 = 3 for the regular model w1² + … + w6² to'
            ' within 1%.'
        ),
        checks=(
            r'^exact: λ = 3, m = 1$',
            r'^estimate \(smc, \d+ temperatures\): lambda = (2\.9[7-9]|3\.0[0-3])$',
        ),
        code="""\
import numpy as np
import slt_numeric as slt

# regular model: K = w1^2 + ... + w6^2, lambda = d/2 = 3, m = 1 (BIC's penalty is exact here)
K = lambda w: np.sum(w**2, axis=-1)
est = slt.estimate_rlct(K, 6, m=1, n_particles=2000, n_moves=3, beta_max=1e6, seed=0)
print(f"exact: {slt.format_rlct(slt.rlct_regular(6))}")
print(f"estimate ({est.method}, {len(est.betas)} temperatures): lambda = {est.lam:.2f}")
""",
    ),
]


SNIPPETS: list[Snippet] = [Snippet(**d) for d in SNIPPET_DEFS]
"""All snippets of the default vault, in a stable order."""
