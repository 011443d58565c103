"""Command line: `vault build`, `vault check`. Prints problems, picks exit codes (0 ok, 1 failed or
warnings under --strict, 2 usage/config error); the library below never prints or exits."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .models import Problem


def echo_problem(p: Problem) -> None:
    click.echo(str(p), err=True)


class Status:
    """Progress on a terminal: one status line on stderr, overwritten in place (\\r) and cleared
    before a summary line is printed. Disabled when stderr is not a terminal (logs, pipes, CI)
    or with --quiet, where the carriage returns would only be noise."""

    def __init__(self, enabled: bool):
        self.enabled, self.shown = enabled, False

    def __call__(self, text: str) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K" + text)
            sys.stderr.flush()
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = False

    def line(self, text: str) -> None:
        self.clear()
        click.echo(text, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vault")
def main() -> None:
    """Turn posts and comment threads about Singular Learning Theory into an Obsidian vault and Anki decks."""


@main.command()
@click.option("--sources", type=click.Path(path_type=Path), default=None,
              help="Content folder (with sources/, sources.yaml, concepts.yaml) or a plain folder of source files. "
                   "Default: the bundled SLT corpus.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="Output folder (vault/, anki/, items.jsonl, graph.json, build-report.json).")
@click.option("--no-anki", is_flag=True, help="Do not build the Anki deck.")
@click.option("--vault-name", default=None, help="Obsidian vault name for obsidian:// links (default: the vault folder's name; a symlinked vault's target's).")
@click.option("--no-snippets", is_flag=True, help="Leave out the executable snippets and their outputs (faster).")
@click.option("--overwrite-settings", is_flag=True, help="Replace .obsidian/ settings you changed (normally kept).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines.")
@click.option("-v", "--verbose", is_flag=True, help="Also print info-level notes (they are always in build-report.json).")
def build(sources: Path | None, out: Path, no_anki: bool, vault_name: str | None, no_snippets: bool,
          overwrite_settings: bool, strict: bool, quiet: bool, verbose: bool) -> None:
    """Build the vault, the Anki deck, items.jsonl, graph.json and build-report.json."""
    from .pipeline import BuildOptions, ConfigError, UsageError, build as run_build

    status = Status(enabled=not quiet and sys.stderr.isatty())
    log = (lambda line: None) if quiet else status.line
    try:
        result = run_build(BuildOptions(sources=sources, out=out, anki=not no_anki, vault_name=vault_name,
                                        overwrite_settings=overwrite_settings, snippets=not no_snippets), log, status)
        status.clear()
    except UsageError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except ConfigError as exc:
        status.clear()
        for p in exc.problems:
            echo_problem(p)
        sys.exit(2)
    except OSError as exc:
        status.clear()
        click.echo(f"error: {exc.filename or out}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    for p in result.problems:
        if verbose or p.level != "info":
            echo_problem(p)
    counts = result.counts
    if not quiet:
        click.echo(
            f"built {out}/: {counts.get('posts', 0)} posts, {counts.get('threads', 0)} threads, "
            f"{counts.get('notes', 0)} notes, {counts.get('claims', 0)} claims, {counts.get('definitions', 0)} definitions, "
            f"{counts.get('counterexamples', 0)} counterexamples, {counts.get('anki_cards', 0)} cards", err=True)
    if result.failed or (strict and any(p.level in ("error", "warning") for p in result.problems)):
        sys.exit(1)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="Output folder of a previous `vault build` (reads items.jsonl, writes anki/).")
@click.option("--vault-name", default="vault", show_default=True, help="Obsidian vault name for obsidian:// links.")
def anki(out: Path, vault_name: str) -> None:
    """Rebuild only the Anki deck from OUT/items.jsonl (keeps card identity via OUT/anki/state.json)."""
    from .deck import build_deck, items_from_jsonl

    items_path = out / "items.jsonl"
    if not items_path.is_file():
        click.echo(f"error: {items_path}: not found (run `vault build` first)", err=True)
        sys.exit(2)
    report = build_deck(items_from_jsonl(items_path), out / "anki", vault_name=vault_name)
    for p in report.problems:
        echo_problem(p)
    click.echo(f"wrote {out / 'anki' / 'slt.apkg'}: {report.notes} notes ({report.new} new, {report.updated} updated, "
               f"{len(report.removed)} removed)", err=True)


@main.command()
@click.argument("vault", type=click.Path(exists=True, file_okay=False, path_type=Path))
def check(vault: Path) -> None:
    """Validate a vault: links, anchors, tags, block ids, front matter, canvas files, file names."""
    from .check import check_vault

    problems = check_vault(vault)
    for p in problems:
        click.echo(f"{p.where}: {p.message}")
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo("vault ok", err=True)


if __name__ == "__main__":
    main()
