"""`blog check --changed [REF]`: only the pages a branch touched, and the pages it may break.

The files changed since REF (default: the merge base with the remote's default branch) are
checked, and so is every page linking to a post that was renamed or deleted in that range:
their links broke without their text changing. Links are still resolved against the whole
site, so a link to an unchanged post is judged as in a full check.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from blogcli.check.scan import collect_facts
from blogcli.errors import UsageError
from blogcli.git import run_git
from blogcli.permalinks import normalize, page_urls
from blogcli.post import PostError, parse_post
from blogcli.site import MARKDOWN_SUFFIXES, Site, iter_post_files, walk_markdown


@dataclass
class Changes:
    """What ``--changed`` will check, and why."""

    base: str                    # the commit compared with, abbreviated
    described: str               # how the user would name it: ``origin/main (merge base …)``
    changed: list[str] = field(default_factory=list)   # site-relative pages changed or added
    gone: dict[str, str | None] = field(default_factory=dict)  # old path -> new path or None
    linking: list[str] = field(default_factory=list)   # pages linking to a gone page

    @property
    def paths(self) -> list[str]:
        return sorted(set(self.changed) | set(self.linking))

    def summary(self) -> str:
        """One line for stderr: what is checked and against what."""
        if not self.paths:
            return f"Nothing to check: no page changed since {self.described}."
        text = (f"Checking {_count(len(self.paths), 'file')}: {len(self.changed)} changed "
                f"since {self.described}")
        if self.linking:
            text += (f", {len(self.linking)} linking to "
                     f"{_count(len(self.gone), 'renamed or deleted page')}")
        return text + "."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def changed_pages(site: Site, ref: str | None) -> Changes:
    """The pages to check for ``--changed REF``; UsageError when git cannot say."""
    top = _git(site.root, "rev-parse", "--show-toplevel").strip()
    if ref is not None and ref.startswith("-"):
        raise UsageError(f"--changed {ref}: a git revision cannot start with '-'")
    name = ref or _default_branch(site)
    commit = _git(site.root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                  f"{name}^{{commit}}", what=f"--changed: {name!r} is not a commit here").strip()
    base = _git(site.root, "merge-base", commit, "HEAD",
                what=f"--changed: {name} and HEAD have no common history").strip()
    described = name if base == commit else f"{name} (merge base {base[:10]})"
    changes = Changes(base[:10], described)
    _read_diff(site, Path(top), base, changes)
    if changes.gone:
        changes.linking = _linking(site, base, changes)
    return changes


def _git(cwd: Path, *args: str, what: str | None = None) -> str:
    done = run_git(cwd, *args)
    if done.returncode != 0:
        if what is None and "not a git repository" in done.stderr:
            what = "--changed needs the site to be in a git repository"
        raise UsageError(what or f"git {args[0]} failed: {done.stderr.strip()}")
    return done.stdout


def _default_branch(site: Site) -> str:
    """The remote's default branch as this clone knows it: ``origin/HEAD``, else main/master."""
    remote = site.config.publish.remote or "origin"
    head = run_git(site.root, "symbolic-ref", "-q", f"refs/remotes/{remote}/HEAD")
    if head.returncode == 0 and head.stdout.strip():
        return head.stdout.strip().removeprefix("refs/remotes/")
    for branch in ("main", "master"):
        found = run_git(site.root, "rev-parse", "--verify", "--quiet",
                        f"refs/remotes/{remote}/{branch}")
        if found.returncode == 0:
            return f"{remote}/{branch}"
    raise UsageError(f"--changed: cannot tell the default branch of the remote {remote!r} "
                     f"(fetch it, or run `git remote set-head {remote} --auto`, or name a REF: "
                     "--changed main)")


def _read_diff(site: Site, top: Path, base: str, changes: Changes) -> None:
    """Changed, renamed and deleted files between ``base`` and the working tree."""
    out = _git(site.root, "diff", "--name-status", "-z", "-M", "--no-ext-diff", base, "--")
    fields = out.split("\0")
    index = 0
    while index < len(fields) - 1:
        status = fields[index]
        if status[:1] in ("R", "C"):
            old, new = fields[index + 1], fields[index + 2]
            index += 3
        else:
            old = new = fields[index + 1]
            index += 2
        old_rel, new_rel = _in_site(site, top, old), _in_site(site, top, new)
        if status[:1] == "D":
            if old_rel is not None:
                changes.gone[old_rel] = None
            continue
        if status[:1] == "R" and old_rel is not None:
            changes.gone[old_rel] = new_rel
        if new_rel is not None:
            changes.changed.append(new_rel)
    untracked = _git(site.root, "ls-files", "-z", "--others", "--exclude-standard", "--full-name",
                     "--", ".")
    changes.changed.extend(rel for name in untracked.split("\0") if name
                           if (rel := _in_site(site, top, name)) is not None)
    # Only pages can be checked: images and other files matter through the pages linking them.
    changes.changed = sorted({rel for rel in changes.changed if rel.endswith(MARKDOWN_SUFFIXES)
                              and (site.root / rel).is_file()})


def _in_site(site: Site, top: Path, name: str) -> str | None:
    path = top / name
    return site.rel(path) if path.is_relative_to(site.root) else None


def _linking(site: Site, base: str, changes: Changes) -> list[str]:
    """Pages (posts and content pages) with a link that may have pointed at a gone file.

    The gone file can no longer be resolved, so a link is matched by what named it: the file
    or folder name (with or without its suffix), or a URL the old page was published at. This
    can only widen the set: the check itself decides what is broken.
    """
    names: set[str] = set()
    urls: set[str] = set()
    for old in changes.gone:
        path = PurePosixPath(old)
        stem = path.parent.name if path.stem in ("index", "_index") else path.stem
        names.update({path.name.lower(), stem.lower()})
        urls.update(normalize(url) for url in _old_urls(site, base, old))
    pages = {site.rel(Path(p)) for p in iter_post_files(site)}
    if site.content_dir.is_dir() and site.content_dir != site.root:
        pages.update(site.rel(p) for p in walk_markdown(site.content_dir, site.root))
    facts = collect_facts(site, sorted(pages))
    found = []
    for rel, fact in facts.items():
        targets = [link[0] for link in fact.get("links") or []]
        if any(_names_gone(target, names, urls) for target in targets):
            found.append(rel)
    return sorted(set(found) - set(changes.changed))


def _names_gone(target: str, names: set[str], urls: set[str]) -> bool:
    path = unquote(target.split("#", 1)[0].split("?", 1)[0]).strip()
    if not path or "://" in path:
        return False
    if normalize(path) in urls:
        return True
    segments = [s.lower() for s in path.replace("\\", "/").split("/") if s not in ("", ".", "..")]
    return any(s in names or os.path.splitext(s)[0] in names for s in segments[-2:])


def _old_urls(site: Site, base: str, old: str) -> list[str]:
    """The URLs the page had at ``base``, from its front matter then (empty if unreadable)."""
    top = run_git(site.root, "rev-parse", "--show-prefix").stdout.strip()
    shown = run_git(site.root, "show", f"{base}:{top}{old}")
    if shown.returncode != 0:
        return []
    try:
        post = parse_post(shown.stdout.encode("utf-8"), site.root / old, old, site)
    except PostError:
        return []
    return page_urls(site, old, post.meta, post.slug)
