"""Write the vault: atomically, keeping everything the user owns.

The new vault is built in a temporary folder beside the old one and swapped in at the end, so a
failed build leaves the previous vault as it was. The user owns: every file the build did not
generate (tracked in MANIFEST), generated files they edited after the build stopped generating
them, the `.obsidian/` settings they had or changed (unless overwrite_settings), the user-owned
properties of generated notes (USER_FIELDS) and the text below the USER_MARKER line of generated
notes. Everything is written in sorted order and the manifest is sorted: the same input gives the
same bytes.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from .models import Problem
from .paths import safe_join

MANIFEST = ".vault-builder.json"
USER_MARKER = "%% Your notes: everything below this line is kept when the vault is rebuilt. %%"
USER_FIELDS = ("status",)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_vault(vault: Path, files: dict[str, str | bytes], overwrite_settings: bool = False) -> list[Problem]:
    """Replace the generated part of `vault` by `files` (relative POSIX path -> content).

    overwrite_settings: write the build's `.obsidian/` files even over settings the user has
    (by default a settings file that exists and is not the one the last build wrote is kept).
    """
    problems: list[Problem] = []
    old = read_manifest(vault)
    vault.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=vault.parent, prefix=f".{vault.name}.new-"))
    try:
        generated: dict[str, str] = {}
        for rel, content in sorted(files.items()):
            fresh = content.encode("utf-8") if isinstance(content, str) else content
            previous = vault / rel
            data = fresh
            if previous.is_file() and not previous.is_symlink():
                data = keep_user_parts(rel, fresh, previous, old.get(rel), overwrite_settings)
                if data != fresh and rel.startswith(".obsidian/"):
                    problems.append(Problem("info", "kept-user-settings",
                                            "kept your settings file (build with overwrite_settings to replace it)", rel))
            generated[rel] = sha(fresh)  # what we wrote, so a later user edit can be told apart
            target = safe_join(staging, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        copy_user_files(vault, staging, set(files), old)
        manifest = {"generated": dict(sorted(generated.items()))}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        swap(staging, vault)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return problems


def read_manifest(vault: Path) -> dict[str, str]:
    try:
        return json.loads((vault / MANIFEST).read_text(encoding="utf-8")).get("generated", {})
    except (OSError, ValueError, AttributeError):
        return {}


def keep_user_parts(rel: str, new: bytes, previous: Path, old_sha: str | None, overwrite_settings: bool = False) -> bytes:
    old = previous.read_bytes()
    if rel.startswith(".obsidian/"):
        # settings the user had before the first build, or changed since we wrote them, are theirs
        return new if overwrite_settings or sha(old) == old_sha else old
    if not rel.endswith(".md"):
        return new
    try:
        old_text, new_text = old.decode("utf-8"), new.decode("utf-8")
    except UnicodeDecodeError:
        return new
    new_text = carry_user_fields(old_text, new_text)
    new_text = carry_user_section(old_text, new_text)
    return new_text.encode("utf-8")


def carry_user_fields(old: str, new: str) -> str:
    for field in USER_FIELDS:
        m = re.search(rf"^{field}:.*$", front_matter(old), re.M)
        if not m:
            continue
        fm = front_matter(new)
        if re.search(rf"^{field}:.*$", fm, re.M):
            fm2 = re.sub(rf"^{field}:.*$", lambda _: m.group(0), fm, count=1, flags=re.M)
        else:
            fm2 = fm + m.group(0) + "\n"
        new = new.replace(fm, fm2, 1) if fm else new
    return new


def front_matter(text: str) -> str:
    m = re.match(r"---\n(.*?\n)---\n", text, re.S)
    return m.group(1) if m else ""


def carry_user_section(old: str, new: str) -> str:
    if USER_MARKER not in old or USER_MARKER not in new:
        return new
    kept = old.split(USER_MARKER, 1)[1]
    return new.split(USER_MARKER, 1)[0] + USER_MARKER + kept


def copy_user_files(vault: Path, staging: Path, generated_now: set[str], generated_before: dict[str, str]) -> None:
    """Everything in the old vault that no build generated belongs to the user: carry it over
    (folders, symlinks as symlinks, files hard-linked where possible). A file an earlier build
    generated and this one does not is dropped, unless the user edited it since."""
    if not vault.is_dir():
        return
    for path in sorted(vault.rglob("*")):
        rel = path.relative_to(vault).as_posix()
        if rel == MANIFEST or rel in generated_now:
            continue
        if rel in generated_before and not path.is_symlink() and path.is_file() and sha(path.read_bytes()) == generated_before[rel]:
            continue
        target = staging / rel
        if path.is_symlink():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(os.readlink(path), target)
        elif path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)
            except OSError:
                shutil.copy2(path, target)


def swap(staging: Path, vault: Path) -> None:
    """Put the staged vault in place; the old one is removed only after the new one is there."""
    if not vault.exists():
        os.replace(staging, vault)
        return
    retired = vault.with_name(f".{vault.name}.old-{os.getpid()}")
    os.replace(vault, retired)
    try:
        os.replace(staging, vault)
    except BaseException:
        os.replace(retired, vault)
        raise
    shutil.rmtree(retired, ignore_errors=True)
