"""Write the vault, keeping everything the user owns.

New and changed files are written to a temporary folder beside the vault while they are rendered,
so a failed render leaves the previous vault as it was; then they are moved into the vault, stale
generated files removed and the manifest written last (a journal in the manifest lets the next
build repair an interrupted move). The first build, and any where moving in place could land on
or pass through something of the user's, build the whole vault in the temporary folder and swap
it in. The user owns: every file the build did not generate (tracked in MANIFEST), generated
files they edited after the build stopped generating them, the `.obsidian/` settings they had or
changed (unless overwrite_settings), the user-owned properties of generated notes (USER_FIELDS)
and the text below the USER_MARKER line of generated notes. A file's bytes depend only on its
content and the old vault, never on the order files come in, and the manifest is sorted: the same
input gives the same bytes.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .models import Problem
from .paths import check_relative

MANIFEST = ".vault-builder.json"
USER_MARKER = "%% Your notes: everything below this line is kept when the vault is rebuilt. %%"
USER_FIELDS = ("status",)
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def as_if_created(path: str | os.PathLike, folder: bool = False) -> None:
    """Give a file or folder made by tempfile (mode 0600, 0700: private) the mode open() or
    mkdir() would have given it (0666, 0777 less the umask): the outputs are the user's to read,
    share and serve, like any file they make."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, (0o777 if folder else 0o666) & ~mask)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Deferred:
    """A note that need not be rendered when the old vault's file is as the last build wrote it
    and `unchanged` (what it is made from is what that build made it from): the file is kept."""

    render: Callable[[], str]
    unchanged: bool


def write_vault(vault: Path, files: Mapping[str, str | bytes] | Iterable[tuple[str, str | bytes | Deferred]],
                overwrite_settings: bool = False, stats: dict[str, list[int]] | None = None) -> list[Problem]:
    """Replace the generated part of `vault` by `files` (relative POSIX path -> content, or such
    pairs as they are rendered: each is stored and can be let go before the next one comes).

    overwrite_settings: write the build's `.obsidian/` files even over settings the user has
    (by default a settings file that exists and is not the one the last build wrote is kept).
    A file whose new bytes are those of the old vault's file is kept rather than written again;
    so is a Deferred note that is unchanged, without rendering it. New and changed files are
    staged in a folder beside the vault while `files` is consumed (a render error leaves the old
    vault as it was); then they are moved into the vault in place (see apply_in_place), or, where
    that is not safe, the kept files are hard-linked into the staging folder and it is swapped in.

    stats: relative path -> [size, mtime_ns] of every file of the vault as the last build left
    it (this dict as that build filled it in; see Recorded), replaced by those of the new vault.
    """
    problems: list[Problem] = []
    vault = real_folder(vault)
    old, pending = read_manifest(vault)  # one read of the manifest: 90k entries at 2,000 posts
    before = scan(vault)
    recorded = Recorded(vault, stats or {})
    new_stats: dict[str, list[int]] = {}
    old_root = os.fspath(vault) + "/"
    vault.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=vault.parent, prefix=f".{vault.name}.new-"))
    as_if_created(staging, folder=True)  # it becomes the vault
    try:
        stage = Staging(staging)
        generated: dict[str, str] = {}
        staged: list[str] = []
        for rel, content in (files.items() if isinstance(files, Mapping) else files):
            check_relative(rel)
            if rel in generated:
                raise ValueError(f"{rel!r} is generated twice")
            if isinstance(content, Deferred):
                if content.unchanged and rel not in pending and \
                        keep_untouched(old_root, rel, old.get(rel), before, recorded, new_stats):
                    generated[rel] = old[rel]
                    continue
                content = content.render()
            fresh = content.encode("utf-8") if isinstance(content, str) else content
            generated[rel] = sha(fresh)  # what we wrote, so a later user edit can be told apart
            data = fresh
            if before.get(rel) == "file":
                with open(old_root + rel, "rb") as f:
                    old_bytes = f.read()
                    if old_bytes == fresh:
                        new_stats[rel] = stat_of(os.fstat(f.fileno()))
                        continue  # unchanged (and so holding nothing of the user's that fresh lacks)
                data = keep_user_parts(rel, fresh, old_bytes, ours(rel, old, pending), overwrite_settings)
                if data != fresh and rel.startswith(".obsidian/"):
                    problems.append(Problem("info", "kept-user-settings",
                                            "kept your settings file (build with overwrite_settings to replace it)", rel))
            new_stats[rel] = stage.write(rel, data)
            staged.append(rel)
        if not pending and in_place_is_safe(vault, before, staged):
            apply_in_place(vault, staging, before, generated, staged, old, recorded, new_stats)
        else:
            link_kept(old_root, stage, generated, set(staged), new_stats)
            copy_user_files(vault, staging, before, set(generated), old, pending, recorded, new_stats)
            (staging / MANIFEST).write_text(manifest_text(generated), encoding="utf-8")
            new_stats[MANIFEST] = stat_of(os.lstat(staging / MANIFEST))
            swap(staging, vault)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if stats is not None:
        stats.clear()
        stats.update(new_stats)
    return problems


def real_folder(vault: Path) -> Path:
    """The folder a symlinked vault points to: users keep a vault elsewhere (a synced folder) and
    link it into the output folder; the build updates it there, and the link stays a link."""
    return Path(os.path.realpath(vault)) if os.path.islink(vault) else vault


def ours(rel: str, old: dict[str, str], pending: dict[str, str]) -> tuple[str, ...]:
    """The digests of the bytes a build wrote at rel: the last build's, and after an interrupted
    in-place apply also those it was moving in (the file may hold either)."""
    return tuple(d for d in (old.get(rel), pending.get(rel)) if d is not None)


def in_place_is_safe(vault: Path, before: dict[str, str], staged: list[str]) -> bool:
    """The vault is a real folder with a manifest of ours, and every staged file goes where there
    is a file or nothing, below real folders (or none yet): nothing we move can land on the
    user's folder or pass through a symlink."""
    if os.path.islink(vault) or before.get(MANIFEST) != "file":
        return False
    for rel in staged:
        if before.get(rel, "file") != "file":
            return False
        folder = rel.rpartition("/")[0]
        while folder:
            kind = before.get(folder)
            if kind == "dir":
                break  # scan reached it through real folders only
            if kind is not None:
                return False
            folder = folder.rpartition("/")[0]
    return True


def apply_in_place(vault: Path, staging: Path, before: dict[str, str], generated: dict[str, str],
                   staged: list[str], old: dict[str, str], recorded: "Recorded",
                   new_stats: dict[str, list[int]]) -> None:
    """Move the staged files into the vault, drop the files the last build generated and this
    one does not (unless the user edited them, as copy_user_files would), and write the manifest
    last. Kept files and the user's are not touched. Before the first move, the old manifest is
    rewritten with the staged files' digests as "pending": a build interrupted here leaves each of
    them either as it was or as staged, and the next build (which then takes the full-folder path)
    counts both as ours."""
    root = os.fspath(vault) + "/"
    if staged:
        pending = {rel: generated[rel] for rel in staged}
        journal = json.dumps({"generated": old, "pending": pending}, sort_keys=True)
        write_atomic(vault / MANIFEST, journal.encode("utf-8"), staging)
    folders = {""}
    for rel in sorted(staged):
        folder = rel.rpartition("/")[0]
        if folder not in folders:
            os.makedirs(root + folder, exist_ok=True)
            folders.add(folder)
        os.replace(os.path.join(staging, rel), root + rel)
    for rel, kind in before.items():
        if rel == MANIFEST or rel in generated or kind == "dir":
            continue
        path = root + rel
        if rel in old and kind == "file" and recorded.untouched(path, rel, old[rel]):
            os.unlink(path)  # generated by the last build, not by this one (folders stay, as in the full path)
        else:
            new_stats[rel] = stat_of(os.lstat(path))  # the user's
    new_stats[MANIFEST] = write_atomic(vault / MANIFEST, manifest_text(generated).encode("utf-8"), staging)


def write_atomic(path: Path, data: bytes, staging: Path) -> list[int]:
    """Write path through a temporary file in the staging folder (not in the vault, where one left
    by a crash would look like the user's); the [size, mtime_ns] of the file written."""
    tmp = staging / MANIFEST
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return stat_of(os.lstat(path))


def link_kept(old_root: str, stage: "Staging", generated: dict[str, str], staged: set[str],
              new_stats: dict[str, list[int]]) -> None:
    """For the full-folder path: hard-link every generated file that was kept (not staged) from
    the old vault into the staging folder (copied where the file system cannot link)."""
    for rel in generated:
        if rel in staged:
            continue
        if not stage.link(old_root + rel, rel):
            shutil.copy2(old_root + rel, stage.path(rel))
            new_stats[rel] = stat_of(os.lstat(stage.path(rel)))


def stat_of(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns]


class Recorded:
    """The old vault's files as the last build recorded them (write_vault's `stats`), to tell a
    generated file the user has not touched by its size and mtime instead of reading and hashing
    it. The record is trusted only if the old manifest is the one it recorded (the last build that
    wrote this vault made it), and a file only if it was last changed before that manifest was
    written: an edit within the same clock tick as the build's write could leave size and mtime
    as they were (git's "racily clean" entries); those files are hashed."""

    def __init__(self, vault: Path, stats: dict[str, list[int]]) -> None:
        manifest = stats.get(MANIFEST) if isinstance(stats, dict) else None
        try:
            valid = manifest is not None and manifest == stat_of(os.lstat(vault / MANIFEST))
        except OSError:
            valid = False
        self.stats = stats if valid else {}
        self.racy_from = manifest[1] if valid else 0  # nothing is trusted without a record

    def untouched(self, path: str, rel: str, old_sha: str | tuple[str, ...]) -> list[int] | None:
        """The stat of the old vault's file at `path` when it still holds what the last build
        wrote there (`old_sha`, from the manifest, or any of such digests); None when the user
        changed it."""
        st = stat_of(os.lstat(path))
        if st == self.stats.get(rel) and st[1] < self.racy_from:
            return st
        with open(path, "rb") as f:
            return st if sha(f.read()) in digests(old_sha) else None


def keep_untouched(old_root: str, rel: str, old_sha: str | None, before: dict[str, str],
                   recorded: Recorded, new_stats: dict[str, list[int]]) -> bool:
    """Keep the old vault's file when its bytes are still those the last build wrote."""
    if old_sha is None or before.get(rel) != "file":
        return False
    st = recorded.untouched(old_root + rel, rel, old_sha)
    if st is None:
        return False  # the user edited it: render it again, to carry their parts over
    new_stats[rel] = st
    return True


class Staging:
    """The new vault's folder while it is filled. Relative paths are checked by their text only
    (paths.check_relative): the folder is new and ours, so nothing in it is a symlink until
    copy_user_files carries the user's over, after every generated file is in. Each folder is
    created and resolved once."""

    def __init__(self, root: Path) -> None:
        self.root = os.path.realpath(root)
        self.folders = {""}

    def path(self, rel: str) -> str:
        folder = rel.rpartition("/")[0]
        if folder not in self.folders:
            path = os.path.join(self.root, folder)
            os.makedirs(path, exist_ok=True)
            if os.path.realpath(path) != os.path.normpath(path):
                raise ValueError(f"{rel!r} escapes {self.root}")
            self.folders.add(folder)
        return self.root + "/" + rel

    def write(self, rel: str, data: bytes) -> list[int]:
        """Write the file; its [size, mtime_ns]."""
        fd = os.open(self.path(rel), _WRITE_FLAGS, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            return stat_of(os.fstat(fd))
        finally:
            os.close(fd)

    def link(self, existing: str, rel: str) -> bool:
        """Hard-link an old vault's file in as rel; False where the file system cannot."""
        try:
            os.link(existing, self.path(rel))
        except OSError:
            return False
        return True


def scan(vault: Path) -> dict[str, str]:
    """Every entry of the old vault by relative POSIX path: "file", "dir", "link" (a symlink,
    not followed) or "other" (a FIFO, a socket...). {} when there is no vault."""
    found: dict[str, str] = {}
    if not vault.is_dir():
        return found
    todo = [(str(vault), "")]
    while todo:
        folder, prefix = todo.pop()
        with os.scandir(folder) as entries:
            for e in entries:
                rel = prefix + e.name
                if e.is_symlink():
                    found[rel] = "link"
                elif e.is_dir(follow_symlinks=False):
                    found[rel] = "dir"
                    todo.append((e.path, rel + "/"))
                else:
                    found[rel] = "file" if e.is_file(follow_symlinks=False) else "other"
    return found


def manifest_text(generated: dict[str, str]) -> str:
    """json.dumps({"generated": dict(sorted(generated.items()))}, indent=1, ensure_ascii=False) + "\\n",
    written directly (the json module indents in pure Python)."""
    if not generated:
        return '{\n "generated": {}\n}\n'
    quote = json.encoder.encode_basestring  # json.dumps's string encoder with ensure_ascii=False
    lines = ",\n".join(f"  {quote(rel)}: {quote(digest)}" for rel, digest in sorted(generated.items()))
    return '{\n "generated": {\n' + lines + "\n }\n}\n"


def read_manifest(vault: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The manifest's "generated" files and its "pending" ones (see apply_in_place: {} normally),
    each {} where missing or not a mapping."""
    try:
        found = json.loads((vault / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, {}
    if not isinstance(found, dict):
        return {}, {}
    parts = found.get("generated"), found.get("pending")
    return tuple(part if isinstance(part, dict) else {} for part in parts)


def digests(old_sha: str | tuple[str, ...] | None) -> tuple[str, ...]:
    return (old_sha,) if isinstance(old_sha, str) else old_sha or ()


def keep_user_parts(rel: str, new: bytes, old: bytes, old_sha: str | tuple[str, ...] | None,
                    overwrite_settings: bool = False) -> bytes:
    """The bytes to write for rel: the build's new bytes with the user's parts of the old file
    (old_sha: the digest, or digests, of what a build wrote there)."""
    if rel.startswith(".obsidian/"):
        # settings the user had before the first build, or changed since we wrote them, are theirs
        return new if overwrite_settings or sha(old) in digests(old_sha) else old
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


def copy_user_files(vault: Path, staging: Path, before: dict[str, str], generated_now: set[str],
                    generated_before: dict[str, str], pending: dict[str, str], recorded: Recorded,
                    new_stats: dict[str, list[int]]) -> None:
    """Everything in the old vault (`before`, from scan) that no build generated belongs to the
    user: carry it over (folders, symlinks as symlinks, files hard-linked where possible). A file
    an earlier build generated and this one does not is dropped, unless the user edited it since.
    The stats of what is carried over go to new_stats."""
    for rel in sorted(before):
        kind = before[rel]
        if rel == MANIFEST or rel in generated_now:
            continue
        path = os.path.join(vault, rel)
        if kind == "file" and (rel in generated_before or rel in pending) and \
                recorded.untouched(path, rel, ours(rel, generated_before, pending)):
            continue
        target = os.path.join(staging, rel)
        if kind == "dir":
            os.makedirs(target, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if kind == "link":
            os.symlink(os.readlink(path), target)
        else:
            try:
                os.link(path, target)
            except OSError:
                shutil.copy2(path, target)
        new_stats[rel] = stat_of(os.lstat(target))


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
