"""`blog rename POST NEW-SLUG`: move a post (file or bundle) with git mv, keep its old URL
working with the engine's redirect, rewrite every internal link to it, check, commit once.

Plan, then execute, as publish does: everything is decided and checked before the first write.
The execution is journaled (.git/blog-rename.json): if it is killed half-way, the next
`blog rename` first puts the touched files back exactly as HEAD has them (or, if the commit was
made, keeps it), so the site is in the old state or the new one, never half.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogcli.errors import ContentError, GitError, UsageError
from blogcli.files import atomic_write, is_within
from blogcli.permalinks import page_urls
from blogcli.post import JEKYLL_NAME, Post, load_post, parse_post, post_slug
from blogcli.publish.fields import FieldEdit
from blogcli.publish.flow import Outcome, _fetch, _push
from blogcli.publish.links import Names, Rewrite, apply_rewrites, find_rewrites, rewrites_in
from blogcli.site import Site, find_post_path

if TYPE_CHECKING:
    from blogcli.git import GitRepo, Progress

SLUG = re.compile(r"^[\w][\w.\-]*$")
JOURNAL = "blog-rename.json"
REDIRECT_KEYS = {"hugo": "aliases", "zola": "aliases", "jekyll": "redirect_from"}


@dataclass
class FileChange:
    """One file's new bytes (``path`` is where it is after the move)."""

    path: Path
    before: bytes
    after: bytes
    shown_before: str  # site-relative name before the move, for the diff


@dataclass
class RenamePlan:
    """Everything a rename will do, decided before anything is touched."""

    post: Post
    source: Path  # the file, or the bundle folder, that moves
    dest: Path
    names: Names
    changes: list[FileChange] = field(default_factory=list)
    rewrites: list[Rewrite] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    redirect: str | None = None


def plan_rename(site: Site, name: str, new_slug: str, title: str | None = None,
                cwd: Path | None = None) -> RenamePlan:
    """Decide the move, the post's new front matter and every link rewrite (no writes)."""
    post = load_post(find_post_path(site, name, cwd), site)
    if not SLUG.match(new_slug) or new_slug.endswith(".md"):
        raise UsageError(f"{new_slug!r} is not a slug: use letters, digits, '-', '_' or '.', "
                         "without '/' or a .md suffix")
    bundle = post.path.name == "index.md" and post.path.parent not in (
        site.posts_dir, site.content_dir, site.drafts_dir)
    source = post.path.parent if bundle else post.path
    dest = source.parent / _new_name(post, source, new_slug, bundle)
    new_file = dest / "index.md" if bundle else dest
    if dest == source and title is None:
        raise UsageError(f"{post.rel} is already named {new_slug!r}; nothing to do")
    if dest != source and (dest.exists() or dest.is_symlink()):
        raise ContentError(f"{site.rel(dest)} exists; choose another slug")
    if not is_within(dest, site.root):
        raise UsageError(f"{site.rel(dest)} is outside the site")
    before = post.path.read_bytes()
    fm = FieldEdit(before, post.rel)
    if isinstance(post.meta.get("slug"), str):
        fm.set_text("slug", new_slug)
    if title is not None:
        fm.set_text("title", title)
    new_rel = site.rel(new_file)
    after_meta = parse_post(fm.result(), new_file, new_rel, site).meta
    old_url = page_urls(site, post.rel, post.meta, post.slug)[0]
    new_url = page_urls(site, new_rel, after_meta, post_slug(new_file, after_meta))[0]
    names = Names(post.rel, new_rel, old_url, new_url, bundle)
    plan = RenamePlan(post, source, dest, names)
    if not post.draft and old_url != new_url:
        plan.redirect = _add_redirect(site, fm, old_url, plan.notes)
    elif post.draft:
        plan.notes.append(f"{post.rel} is a draft: it just moves (no redirect: it was never "
                          "published)")
    _plan_links(site, plan, fm, new_file)
    return plan


def _new_name(post: Post, source: Path, slug: str, bundle: bool) -> str:
    """The file (or folder) name for ``slug``, keeping a date prefix and the suffix."""
    stem = source.name if bundle else source.stem
    dated = JEKYLL_NAME.match(stem)
    name = f"{dated[1]}-{dated[2]}-{dated[3]}-{slug}" if dated else slug
    return name if bundle else name + source.suffix


def _add_redirect(site: Site, fm: FieldEdit, old_url: str, notes: list[str]) -> str | None:
    key = REDIRECT_KEYS.get(site.profile)
    if site.profile == "hexo":
        notes.append(f"Warning: Hexo makes no redirects of its own, so {old_url} will 404. "
                     "Install hexo-generator-alias (npm install hexo-generator-alias) and add "
                     f"`alias: {old_url.lstrip('/')}index.html` to the post's front matter")
        return None
    if key is None:
        notes.append(f"Warning: a plain blog has no redirects; {old_url} will 404")
        return None
    if site.profile == "jekyll" and not jekyll_redirects(site):
        notes.append("Warning: the site lacks jekyll-redirect-from (not in _config.yml "
                     "plugins or the Gemfile), so redirect_from does nothing and "
                     f"{old_url} will 404: add it to both")
    fm.add_item(key, old_url)
    return old_url


def jekyll_redirects(site: Site) -> bool:
    """True when the Jekyll site loads jekyll-redirect-from (config plugins or Gemfile)."""
    config = site.engine
    plugins = [*(config.get("plugins") or []), *(config.get("gems") or [])]
    if "jekyll-redirect-from" in plugins:
        return True
    gemfile = site.root / "Gemfile"
    try:
        return "jekyll-redirect-from" in gemfile.read_text(encoding="utf-8")
    except OSError:
        return False


def _plan_links(site: Site, plan: RenamePlan, fm: FieldEdit, new_file: Path) -> None:
    names = plan.names
    others, problems = find_rewrites(site, names, skip={plan.post.rel})
    after = fm.result()
    moved = parse_post(after, new_file, names.new_rel, site)
    own, own_problems = rewrites_in(site, moved, names, as_rel=names.new_rel)
    problems += own_problems
    if problems:
        raise ContentError("some links to the post cannot be rewritten byte-exactly; nothing "
                           "was changed:\n" + "\n".join(problems))
    plan.changes.append(FileChange(new_file, plan.post.path.read_bytes(),
                                   apply_rewrites(after, own), plan.post.rel))
    plan.rewrites = [*own, *others]
    by_file: dict[str, list[Rewrite]] = {}
    for change in others:
        by_file.setdefault(change.rel, []).append(change)
    for rel, changes in sorted(by_file.items()):
        path = site.root / rel
        if plan.source != plan.post.path and is_within(path, plan.source):
            path = plan.dest / path.relative_to(plan.source)  # a resource inside the bundle
        raw = (site.root / rel).read_bytes()
        plan.changes.append(FileChange(path, raw, apply_rewrites(raw, changes), rel))


# --- execute ---------------------------------------------------------------------------------


def rename(site: Site, name: str, new_slug: str, *, title: str | None = None,
           dry_run: bool = False, push: bool = False, cwd: Path | None = None,
           progress: Progress | None = None) -> Outcome:
    """Rename a post: pre-flight, move, edit, check, one commit; push only with ``push``."""
    from blogcli.git import GitRepo

    repo = GitRepo(site.root, timeout=site.config.publish.timeout)
    if dry_run and (repo.git_dir / JOURNAL).is_file():
        raise GitError("an interrupted rename left files half-changed; run `blog rename` "
                       "without --dry-run to roll it back first (a dry run changes nothing)")
    recovered = recover(site, repo)
    if recovered:
        from blogcli.site import open_site

        site = open_site(site.root)  # the pages as they are again, not as the kill left them
    plan = plan_rename(site, name, new_slug, title, cwd)
    message = f"Rename {plan.post.rel} to {plan.names.new_rel}" + (
        f" ({plan.post.title} -> {title})" if title else "")
    outcome = Outcome("rename", [plan.names.new_rel], dry_run=dry_run, message=message,
                      notes=[*([recovered] if recovered else []), *plan.notes])
    branch = repo.check_state()
    repo.check_identity()
    target = repo.target(branch, site.config.publish) if push else None
    outcome.no_push = target is None
    touched = _touched(site, repo, plan)
    outcome.files = touched
    _refuse_unclean(repo, plan, touched)
    outcome.diffs = _diffs(site, plan)
    if dry_run:
        outcome.steps = _steps(site, plan, message, target)
        return outcome
    if target is not None:
        _fetch(repo, target)  # refuses, before any write, when the remote moved on
    _execute(site, repo, plan, touched, message)
    outcome.commit = repo.head()
    outcome.committed = True
    if target is None:
        return outcome
    return _push(repo, target, outcome, progress,
                 f"git push {target.remote} {target.branch}:{target.remote_branch}")


def _touched(site: Site, repo: GitRepo, plan: RenamePlan) -> list[str]:
    paths = [repo.rel(plan.source), repo.rel(plan.dest)]
    for change in plan.changes[1:]:
        paths.append(repo.rel(site.root / change.shown_before))
    return list(dict.fromkeys(paths))


def _refuse_unclean(repo: GitRepo, plan: RenamePlan, touched: list[str]) -> None:
    """Every file the rename touches must be committed as it is: the old state is HEAD's, so
    a rollback can restore it exactly, and no uncommitted work of the user's is swept in."""
    dirty = repo.run("status", "--porcelain=v1", "--untracked-files=all", "--",
                     *touched).stdout.splitlines()
    if dirty:
        listed = "\n".join(f"  {line}" for line in dirty)
        raise GitError(f"these files have uncommitted changes (or are not in git):\n{listed}\n"
                       "Commit or stash them first; nothing was changed")


def _execute(site: Site, repo: GitRepo, plan: RenamePlan, touched: list[str],
             message: str) -> None:
    from blogcli.check.checker import check_site
    from blogcli.site import open_site

    paths = [site.root / c.shown_before for c in plan.changes]
    before = _error_counts(check_site(site, [p for p in paths if p.exists()]))
    journal = repo.git_dir / JOURNAL
    atomic_write(journal, json.dumps({"head": repo.head(), "touched": touched,
                                      "new": [repo.rel(plan.dest)],
                                      "message": message}).encode("utf-8"))
    try:
        if plan.dest != plan.source:
            repo.run("mv", "--", repo.rel(plan.source), repo.rel(plan.dest))
        for change in plan.changes:
            atomic_write(change.path, change.after)
        # Read the site again: its pages and their URLs are what the move just changed.
        result = check_site(open_site(site.root), [c.path for c in plan.changes])
        worse = [f for f in result.findings if f.severity == "error"
                 and _error_counts(result)[f.rule] > before[f.rule]]
        if worse:
            raise ContentError("the check found new errors after the rename; nothing was "
                               "changed:\n" + "\n".join(f"{f.path}:{f.line}:{f.column}: "
                                                        f"{f.message} [{f.rule}]"
                                                        for f in worse))
        repo.commit_only(touched, message)
    except BaseException:
        _restore(repo, json.loads(journal.read_text(encoding="utf-8")))
        journal.unlink(missing_ok=True)
        raise
    journal.unlink(missing_ok=True)


def _error_counts(result: Any) -> Counter[str]:
    return Counter(f.rule for f in result.findings if f.severity == "error")


def recover(site: Site, repo: GitRepo | None = None) -> str | None:
    """Finish what an interrupted rename left: back to HEAD's files when it had not
    committed, else keep its commit. A sentence saying what was done, or None."""
    if repo is None:
        from blogcli.git import GitRepo

        repo = GitRepo(site.root)
    journal = repo.git_dir / JOURNAL
    if not journal.is_file():
        return None
    try:
        state = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise GitError(f"{journal} is unreadable; check `git status`, restore the files "
                       "by hand and delete it") from None
    if repo.head() == state["head"]:
        _restore(repo, state)
        journal.unlink()
        return ("Rolled back an interrupted rename (the files are as HEAD has them): "
                f"{', '.join(state['touched'])}")
    journal.unlink()
    return f"An interrupted rename had committed ({state['message']}); kept it"


def _restore(repo: GitRepo, state: dict[str, Any]) -> None:
    """Put the touched paths back exactly as HEAD has them (index and work tree)."""
    head = state["head"]
    tracked = set(repo.run("ls-tree", "-r", "--name-only", "--full-tree", head, "--",
                           *state["touched"]).stdout.splitlines())
    repo.run("reset", "-q", head, "--", *state["touched"], check=False)
    for rel in state["new"]:
        if not any(t == rel or t.startswith(rel + "/") for t in tracked):
            path = repo.top / rel
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
    if tracked:
        repo.run("checkout", head, "--", *sorted(tracked))


def _diffs(site: Site, plan: RenamePlan) -> list[str]:
    out: list[str] = []
    if plan.dest != plan.source:
        out.append(f"rename from {site.rel(plan.source)}\nrename to {site.rel(plan.dest)}\n")
    for change in plan.changes:
        out.append("".join(difflib.unified_diff(
            change.before.decode("utf-8", "replace").splitlines(keepends=True),
            change.after.decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=f"a/{change.shown_before}", tofile=f"b/{site.rel(change.path)}")))
    return [d for d in out if d]


def _steps(site: Site, plan: RenamePlan, message: str, target: Any) -> list[str]:
    steps = []
    if plan.dest != plan.source:
        steps.append(f"git mv -- {site.rel(plan.source)} {site.rel(plan.dest)}")
    steps += [f"write {site.rel(c.path)}" for c in plan.changes if c.before != c.after]
    steps.append("blog check (refuse new errors, and put everything back)")
    steps.append(f"git commit --only -m {message!r}")
    if target is not None:
        steps.append(f"git push {target.remote} {target.branch}:{target.remote_branch}")
    return steps


def describe(plan: RenamePlan) -> list[str]:
    """One line per rewritten link, for the report."""
    return [f"{r.rel}:{r.line}:{r.column}: {r.old} -> {r.new}" for r in plan.rewrites]

