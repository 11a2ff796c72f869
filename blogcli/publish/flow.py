"""`blog publish` / `blog unpublish`: edit only what publishing means, commit only it, push.

Order matters: every check (the post, the repository, the remote) runs before any file is
touched, so a refusal leaves everything as it was; after the commit nothing is rolled back, so a
failed push keeps the work and the same command run again only pushes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogcli import clock
from blogcli.config import PublishTable
from blogcli.errors import BlogError, ContentError, GitError, UsageError
from blogcli.files import atomic_write
from blogcli.post import Post, load_post
from blogcli.publish.plan import (
    Edit,
    apply_edits,
    list_drafts,
    owned_paths,
    plan_publish,
    plan_unpublish,
    select_posts,
    undo_edits,
)
from blogcli.site import Site, iter_posts

if TYPE_CHECKING:
    from blogcli.git import GitRepo, Progress, Target

DUPLICATE_RULES = ("duplicate-slug", "duplicate-output")
DEFAULT_MESSAGES = {"publish": "Publish: {title}", "unpublish": "Unpublish: {title}"}
__all__ = ["Outcome", "list_drafts", "publish", "select_posts"]


@dataclass
class Outcome:
    """What publish did (or, with dry_run, would do)."""

    action: str
    posts: list[str]
    files: list[str] = field(default_factory=list)
    commit: str | None = None  # the commit made now, or the one pushed
    committed: bool = False  # a new commit was made by this run
    message: str = ""
    pushed: str | None = None  # "origin/main"
    ref: str | None = None  # "refs/heads/main" on the remote
    remote_url: str = ""
    remote_lines: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    dry_run: bool = False
    nothing_to_do: bool = False
    no_push: bool = False  # --no-push: the remote was not looked at
    unpushed: list[str] = field(default_factory=list)  # earlier local commits the push sends
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"version": 1, "action": self.action, "dry_run": self.dry_run,
                "posts": self.posts, "files": self.files, "commit": self.commit,
                "committed": self.committed, "nothing_to_do": self.nothing_to_do,
                "message": self.message, "pushed": self.pushed, "ref": self.ref,
                "remote": self.remote_url,
                "remote_lines": self.remote_lines, "steps": self.steps, "diffs": self.diffs,
                "unpushed": self.unpushed, "notes": self.notes}


def publish(site: Site, names: list[str], *, unpublish: bool = False, dry_run: bool = False,
            push: bool = True, message: str | None = None, cwd: Path | None = None,
            progress: Progress | None = None, include_unpushed: bool = False,
            planner: Callable[[Post], Edit | None] | None = None) -> Outcome:
    """Publish (or unpublish) the named posts: pre-flight, edit, commit only them, push.

    ``include_unpushed`` lets the push send earlier local commits that are not this publish;
    without it they are a refusal, so nothing the user kept local is published by surprise.
    ``planner`` plans each post's edit instead of publishing (scheduling uses it).
    """
    action = "unpublish" if unpublish else "publish"
    posts = select_posts(site, names, cwd or Path.cwd())
    settings = site.config.publish
    key = "unpublish_message" if unpublish else "message"
    source = "--message" if message else f"blog.toml [publish] {key}"
    template = message or getattr(settings, key) or DEFAULT_MESSAGES[action]
    now = clock.now()
    edits = [e for p in posts if (e := planner(p) if planner else plan_unpublish(site, p)
                                  if unpublish else plan_publish(site, p, now, settings.set_date))]
    # A copy an interrupted move left behind duplicates its draft; it is ours, not a conflict.
    own = {e.post.rel: site.rel(e.dest) for e in edits if e.moves and e.dest.exists()}
    preflight_posts(site, posts, strict=not unpublish, own_copies=own)
    # After a move the old path is gone: messages and the command to run again name where
    # the posts are now.
    moved = {e.post.path: site.rel(e.dest) for e in edits}
    outcome = Outcome(action, [moved.get(p.path, p.rel) for p in posts], dry_run=dry_run,
                      message=commit_message(template, posts, source))
    again = " ".join(["blog", action, *[moved.get(p.path, p.rel) for p in posts]])
    repo = _open_repo(site, settings)
    return _run(site, repo, posts, edits, outcome, push=push, progress=progress,
                again=again, include_unpushed=include_unpushed)


def _run(site: Site, repo: GitRepo, posts: list[Post], edits: list[Edit], outcome: Outcome,
         *, push: bool, progress: Progress | None, again: str,
         include_unpushed: bool) -> Outcome:
    branch = repo.check_state()
    repo.check_identity()
    target = repo.target(branch, site.config.publish) if push else None
    outcome.no_push = target is None
    paths = outcome.files = owned_paths(site, repo, posts, edits)
    if outcome.dry_run:
        if target is not None:
            outcome.unpushed = _unrelated(repo, target, paths, site)
        return _dry_run(outcome, edits, paths, target, site, include_unpushed)
    ahead = _fetch(repo, target) if target is not None else 0
    if target is not None:
        outcome.unpushed = _unrelated(repo, target, paths, site)
        if outcome.unpushed and not include_unpushed:
            raise GitError(_unpushed_refusal(target, outcome.unpushed, again))
    existed = {e.dest for e in edits if e.moves and e.dest.exists()}
    apply_edits(edits)
    try:
        index = refresh_plain_index(site, repo)
    except BaseException as err:
        # Whatever stops us here (the site's template, a full disk, Ctrl-C, a bug), the post
        # must not stay edited but uncommitted: put it back first, then report or re-raise.
        undo_edits(edits, existed)
        if not isinstance(err, BlogError | OSError):
            raise
        why = str(err) if isinstance(err, BlogError) else f"{err.strerror or err}"
        raise ContentError(f"index.md could not be regenerated ({why}); nothing was changed. "
                           "Fix scaffolds/index.md, then publish again") from None
    if index is not None:
        paths.append(repo.rel(index))
    try:
        outcome.commit = repo.commit_only(paths, outcome.message)
    except GitError as err:
        raise GitError(f"{err}\nThe edited files are kept in the work tree, not committed. "
                       f"Fix the problem, then run `{again}` again.") from None
    outcome.committed = outcome.commit is not None
    if target is None or (outcome.commit is None and ahead == 0):
        outcome.nothing_to_do = outcome.commit is None and (target is None or ahead == 0)
        return outcome
    return _push(repo, target, outcome, progress, again)


def _open_repo(site: Site, settings: PublishTable) -> GitRepo:
    from blogcli.git import GitRepo

    return GitRepo(site.root, timeout=settings.timeout)


def _unrelated(repo: GitRepo, target: Target, paths: list[str], site: Site) -> list[str]:
    """Local commits the push would send that touch more than these posts' own files (a
    commit of only them is an earlier run of this publish whose push failed)."""
    own = [*paths, *([repo.rel(site.root / "index.md")] if site.profile == "plain" else [])]
    return [commit for commit, files in repo.unpushed(target)
            if not files or not all(any(f == p or f.startswith(p.rstrip("/") + "/")
                                        for p in own) for f in files)]


def _unpushed_refusal(target: Target, commits: list[str], again: str) -> str:
    where = f"{target.remote}/{target.remote_branch}"
    count = f"{len(commits)} commit{'s' if len(commits) != 1 else ''}"
    listed = "\n".join(f"  {c}" for c in commits)
    return (f"{target.branch} has {count} not on {where} that the push would publish too:\n"
            f"{listed}\nNothing was changed. Push them first (`git push {target.remote} "
            f"{target.branch}:{target.remote_branch}`), or run `{again} --include-unpushed` "
            "to publish them with the post")


def _fetch(repo: GitRepo, target: Target) -> int:
    ahead, behind = repo.fetch_behind(target)
    if behind:
        where = f"{target.remote}/{target.remote_branch}"
        plural = "commit" if behind == 1 else "commits"
        state = f"has diverged from {where} ({ahead} and {behind} different commits)" \
            if ahead else f"is {behind} {plural} behind {where} (someone pushed first)"
        raise GitError(f"{target.branch} {state}; nothing was changed. Run `git pull --rebase "
                       f"{target.remote} {target.remote_branch}`, then publish again")
    return ahead


def _push(repo: GitRepo, target: Target, outcome: Outcome, progress: Progress | None,
          again: str) -> Outcome:
    sha = outcome.commit or repo.head()
    try:
        report = repo.push(target, sha, progress)
    except GitError as err:
        kept = f"the commit {sha[:12]} is kept" if outcome.committed else \
            f"your commit {sha[:12]} is still only local"
        raise GitError(f"{err}\nNothing is lost: {kept}. Fix the problem, then run "
                       f"`{again}` again (or `git push {target.remote} "
                       f"{target.branch}:{target.remote_branch}`).") from None
    outcome.remote_lines = report.remote_lines
    outcome.pushed = f"{target.remote}/{target.remote_branch}"
    outcome.ref = target.ref
    outcome.remote_url = target.url
    outcome.commit = sha
    return outcome


def preflight_posts(site: Site, posts: list[Post], strict: bool = True,
                    own_copies: dict[str, str] | None = None) -> None:
    """Refuse posts with check errors (exit 1) before anything is touched.

    Runs `blog check`'s rules on the selected posts. ``own_copies`` maps a draft to the copy
    an interrupted move left (not a duplicate of it). Unpublishing skips the check: taking a
    broken post down must always be possible.
    """
    if not strict:
        return
    from blogcli.check.checker import check_site

    result = check_site(site, [p.path for p in posts])
    own = own_copies or {}
    problems = [f"{f.path}:{f.line}:{f.column}: {f.message} [{f.rule}]"
                for f in result.findings
                if f.severity == "error" and not (f.rule in DUPLICATE_RULES and f.path in own
                                                  and _only_own_copy(site, f.path, own[f.path]))]
    if problems:
        raise ContentError("the check found errors; fix them and publish again:\n"
                           + "\n".join(problems))


def _only_own_copy(site: Site, rel: str, copy: str) -> bool:
    """True when no post but ``copy`` shares ``rel``'s address (rare: only after an
    interrupted move, so reading every post here is affordable)."""
    from blogcli.permalinks import normalize, page_urls

    def address(post: Post) -> str:
        return normalize(page_urls(site, post.rel, post.meta, post.slug)[0])

    mine = address(load_post(site.root / rel, site))
    return not any(address(post) == mine for post in iter_posts(site)
                   if post.rel not in (rel, copy))


def refresh_plain_index(site: Site, repo: GitRepo) -> Path | None:
    """Hook for `blog index`: regenerate the plain profile's index.md; its path if it changed.

    Only a plain blog that has an index.md gets it rewritten, and one with uncommitted edits
    of the user's (or an untracked one) is left alone: publishing never overwrites their work.
    An uncommitted index.md that is exactly the page publish would write is publish's own (a
    run whose commit failed wrote it): it is committed, not left dirty for good.
    """
    path = site.root / "index.md"
    if site.profile != "plain" or not path.is_file():
        return None
    from blogcli.listing.records import collect
    from blogcli.listing.view import index_markdown

    data = str(index_markdown(site, collect(site, drafts=False))).encode("utf-8")
    changed = repo.is_changed(repo.rel(path))
    if path.read_bytes() == data:
        return path if changed else None
    if changed:
        return None
    atomic_write(path, data)
    return path


def commit_message(template: str, posts: list[Post], source: str = "--message") -> str:
    """Fill the message template; {title}, {slug}, {path} and {count} are known."""
    import string

    values = {"title": ", ".join(p.title for p in posts), "slug": ", ".join(p.slug for p in posts),
              "path": ", ".join(p.rel for p in posts), "count": str(len(posts))}
    try:
        # Only plain fields: `{title.foo}` or `{title[0]}` would reach into Python objects.
        unknown = [f for _, f, _, _ in string.Formatter().parse(template)
                   if f is not None and f not in values]
        if unknown:
            raise ValueError(f"unknown field {{{unknown[0]}}}")
        return template.format_map(values)
    except (KeyError, ValueError, IndexError) as err:
        raise UsageError(f"{source}: commit message template {template!r} is not valid "
                         f"({err}); use {{title}}, {{slug}}, {{path}} or {{count}}") from None


def _dry_run(outcome: Outcome, edits: list[Edit], paths: list[str], target: Target | None,
             site: Site, include_unpushed: bool) -> Outcome:
    import difflib

    for edit in edits:
        old, new = site.rel(edit.post.path), site.rel(edit.dest)
        outcome.diffs.append("".join(difflib.unified_diff(
            edit.before.decode("utf-8", "replace").splitlines(keepends=True),
            edit.after.decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=f"a/{old}", tofile=f"b/{new}")))
    if target is not None:
        outcome.steps.append(f"git fetch {target.remote} {target.remote_branch}  "
                             "(refuse if behind)")
    outcome.steps += [f"git mv {site.rel(e.post.path)} {site.rel(e.dest)}" for e in edits
                      if e.moves]
    outcome.steps.append("git add -- <untracked files among: " + " ".join(paths) + ">")
    outcome.steps.append(f"git commit --only -m {outcome.message!r} -- {' '.join(paths)}")
    if target is not None:
        outcome.remote_url = target.url
        outcome.steps.append(f"git push {target.remote} {target.branch}:{target.remote_branch}"
                             "  (no force; then verify the remote branch)")
        outcome.pushed = f"{target.remote}/{target.remote_branch}"
        if outcome.unpushed:  # as of the last fetch: the dry run does not fetch
            outcome.steps.append("  the push would also publish these local commits"
                                 + ("" if include_unpushed else
                                    " (refused without --include-unpushed)") + ":")
            outcome.steps += [f"    {c}" for c in outcome.unpushed]
    return outcome

