"""`blog publish` / `blog unpublish`: edit only what publishing means, commit only it, push.

Order matters: every check (the post, the repository, the remote) runs before any file is
touched, so a refusal leaves everything as it was; after the commit nothing is rolled back, so a
failed push keeps the work and the same command run again only pushes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from blogcli.errors import BlogError, ContentError, GitError, UsageError
from blogcli.files import atomic_write, is_within
from blogcli.frontmatter_edit import FrontMatterEdit
from blogcli.post import JEKYLL_NAME, Post, load_post, parse_date, post_slug
from blogcli.scaffold import hexo_post_name
from blogcli.site import Site, iter_post_paths

if TYPE_CHECKING:
    from blogcli.gitops import GitRepo, Progress, Target

DEFAULT_MESSAGES = {"publish": "Publish: {title}", "unpublish": "Unpublish: {title}"}
IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)|\bsrc\s*=\s*[\"']([^\"']+)[\"']")


@dataclass
class Edit:
    """One post's change: its new bytes, and its new place when it moves."""

    post: Post
    before: bytes
    after: bytes
    dest: Path  # == post.path unless the post moves (Jekyll/Hexo drafts folder)

    @property
    def moves(self) -> bool:
        return self.dest != self.post.path


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
    remote_url: str = ""
    remote_lines: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    dry_run: bool = False
    nothing_to_do: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"version": 1, "action": self.action, "dry_run": self.dry_run,
                "posts": self.posts, "files": self.files, "commit": self.commit,
                "committed": self.committed, "nothing_to_do": self.nothing_to_do,
                "message": self.message, "pushed": self.pushed,
                "remote_lines": self.remote_lines, "steps": self.steps}


def publish(site: Site, names: list[str], *, unpublish: bool = False, dry_run: bool = False,
            push: bool = True, message: str | None = None, cwd: Path | None = None,
            progress: Progress | None = None) -> Outcome:
    """Publish (or unpublish) the named posts: pre-flight, edit, commit only them, push."""
    action = "unpublish" if unpublish else "publish"
    posts = select_posts(site, names, cwd or Path.cwd())
    preflight_posts(site, posts, strict=not unpublish)
    settings = site.section("publish")
    now = datetime.now().astimezone().replace(microsecond=0)
    edits = [e for p in posts if (e := plan_unpublish(site, p) if unpublish
                                  else plan_publish(site, p, now, _set_date(settings)))]
    text = commit_message(message or settings.get(f"{action}_message" if unpublish else "message")
                          or DEFAULT_MESSAGES[action], posts)
    repo = _open_repo(site, settings)
    branch = repo.check_state()
    repo.check_identity()
    target = repo.target(branch, settings) if push else None
    outcome = Outcome(action, [p.rel for p in posts], message=text, dry_run=dry_run)
    paths = _owned_paths(site, repo, posts, edits)
    outcome.files = paths
    if dry_run:
        return _dry_run(outcome, edits, paths, target, site)
    ahead = _fetch(repo, target) if target is not None else 0
    apply_edits(edits)
    index = refresh_plain_index(site)
    if index is not None:
        paths.append(repo.rel(index))
    outcome.commit = repo.commit_only(paths, text)
    outcome.committed = outcome.commit is not None
    if target is None:
        outcome.nothing_to_do = outcome.commit is None
        return outcome
    if outcome.commit is None and ahead == 0:
        outcome.nothing_to_do = True
        return outcome
    return _push(repo, target, outcome, progress, names, action)


def _set_date(settings: dict[str, Any]) -> bool:
    # Default off: a draft keeps the date its author wrote; sites that date posts by the day
    # they go live set [publish] set_date = true.
    return bool(settings.get("set_date", False))


def _open_repo(site: Site, settings: dict[str, Any]) -> GitRepo:
    from blogcli.gitops import GitRepo

    return GitRepo(site.root, timeout=float(settings.get("timeout", 120)))


def _fetch(repo: GitRepo, target: Target) -> int:
    ahead, behind = repo.fetch_behind(target)
    if behind:
        where = f"{target.remote}/{target.remote_branch}"
        plural = "commit" if behind == 1 else "commits"
        raise GitError(f"{target.branch} is {behind} {plural} behind {where} (someone pushed "
                       f"first); nothing was changed. Run `git pull --rebase {target.remote} "
                       f"{target.remote_branch}`, then publish again")
    return ahead


def _push(repo: GitRepo, target: Target, outcome: Outcome, progress: Progress | None,
          names: list[str], action: str) -> Outcome:
    sha = repo.head()
    again = " ".join(["blog", action, *names])
    try:
        report = repo.push(target, progress)
    except GitError as err:
        kept = f"the commit {sha[:12]} is kept" if outcome.committed else \
            f"your commit {sha[:12]} is still only local"
        raise GitError(f"{err}\nNothing is lost: {kept}. Fix the problem, then run "
                       f"`{again}` again (or `git push {target.remote} "
                       f"{target.branch}:{target.remote_branch}`).") from None
    outcome.remote_lines = report.remote_lines
    outcome.pushed = f"{target.remote}/{target.remote_branch}"
    outcome.remote_url = target.url
    outcome.commit = outcome.commit or sha
    return outcome


def select_posts(site: Site, names: list[str], cwd: Path) -> list[Post]:
    """The posts named by path or slug, in order, each once."""
    if not names:
        raise UsageError("name the posts to publish, by path or slug (`blog list --drafts` "
                         "shows the drafts), e.g. `blog publish my-first-post`")
    found: list[Post] = []
    for name in names:
        path = _find_post(site, name, cwd)
        if all(p.path != path for p in found):
            found.append(load_post(path, site))
    return found


def _find_post(site: Site, name: str, cwd: Path) -> Path:
    for base in (cwd, site.root):
        candidate = (base / name).resolve()
        if candidate.is_file():
            if not is_within(candidate, site.root):
                raise UsageError(f"{name} is outside the blog at {site.root}")
            return candidate
    paths = iter_post_paths(site)
    # File names give most slugs without reading 5,000 files; front matter decides the rest.
    matches = [p for p in paths if post_slug(p, {}) == name]
    if not matches:
        matches = [p for p in paths if _slug_of(p, site) == name]
    if len(matches) > 1:
        listed = ", ".join(site.rel(p) for p in matches)
        raise UsageError(f"{name!r} names {len(matches)} posts ({listed}); give the path")
    if not matches:
        raise UsageError(f"no post with path or slug {name!r} (`blog list --drafts` shows them)")
    return matches[0]


def _slug_of(path: Path, site: Site) -> str | None:
    try:
        return load_post(path, site).slug
    except BlogError:
        return None


def list_drafts(site: Site) -> list[Post]:
    """Every draft, for choosing one interactively; unreadable posts are left out."""
    drafts = []
    for path in iter_post_paths(site):
        try:
            post = load_post(path, site)
        except BlogError:
            continue
        if post.draft:
            drafts.append(post)
    return drafts


def preflight_posts(site: Site, posts: list[Post], strict: bool = True) -> None:
    """Refuse posts with check errors (exit 1) before anything is touched."""
    problems: list[str] = []
    for post in posts:
        if not post.title.strip():
            problems.append(f"{post.rel}:1: has no title (add `title:` to its front matter)")
        value = post.meta.get("date")
        try:
            parse_date(value)
        except ValueError as err:
            problems.append(f"{post.rel}: date {err}")
    if problems and strict:
        raise ContentError("the check found errors; fix them and publish again:\n"
                           + "\n".join(problems))


def plan_publish(site: Site, post: Post, now: datetime, set_date: bool) -> Edit | None:
    """The edit that makes a draft live, or None when the post is published already."""
    before = post.path.read_bytes()
    fm = FrontMatterEdit(before, post.rel)
    was_draft = post.draft
    fm.set_bool("draft", False)
    fm.set_bool("published", True)
    dest = _published_path(site, post, now)
    has_date = parse_date(post.meta.get("date")) is not None
    name_dated = site.profile == "jekyll" and JEKYLL_NAME.match(post.path.stem) is not None
    if (not has_date and not name_dated) or (was_draft and set_date):
        fm.set_date(now)
    if not fm.changes and dest == post.path:
        return None
    return Edit(post, before, fm.result(), dest)


def _published_path(site: Site, post: Post, now: datetime) -> Path:
    if not post.in_drafts_dir or site.drafts_dir is None:
        return post.path
    stamp = parse_date(post.meta.get("date")) or now
    sub = post.path.parent.relative_to(site.drafts_dir)
    if site.profile == "hexo":
        pattern = str(site.engine.get("new_post_name") or ":title.md")
        name = hexo_post_name(pattern, post.path.stem, stamp)
    else:
        name = f"{stamp:%Y-%m-%d}-{post.path.stem}{post.path.suffix}"
    return site.posts_dir / sub / name


def plan_unpublish(site: Site, post: Post) -> Edit | None:
    """The edit that makes a post a draft again, or None when it is one already."""
    if post.draft:
        return None
    before = post.path.read_bytes()
    fm = FrontMatterEdit(before, post.rel)
    dest = post.path
    if site.profile in ("jekyll", "hexo") and site.drafts_dir is not None:
        match = JEKYLL_NAME.match(post.path.stem)
        stem = match[4] if match else post.path.stem
        dest = site.drafts_dir / post.path.parent.relative_to(site.posts_dir) / \
            f"{stem}{post.path.suffix}"
        if "date" not in post.meta and isinstance(post.date, date):
            fm.set_date(post.date)  # the date lived in the file name; keep it for republishing
    elif "draft" in post.meta:
        fm.set_bool("draft", True)
    else:
        fm.insert_bool("draft", True)
    return Edit(post, before, fm.result(), dest)


def apply_edits(edits: list[Edit]) -> None:
    """Write each edit atomically; a move writes the new file before removing the old one."""
    for edit in edits:
        if edit.moves and edit.dest.exists():
            raise ContentError(f"{edit.post.rel} would move to {edit.dest}, which exists; "
                               "nothing was changed for it")
    for edit in edits:
        try:
            edit.dest.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(edit.dest, edit.after)
            if edit.moves:
                edit.post.path.unlink()
        except OSError as err:
            raise BlogError(f"cannot write {edit.dest}: {err.strerror}; the post is unchanged "
                            "or fully edited, never half") from None


def refresh_plain_index(site: Site) -> Path | None:
    """Hook for `blog index`: regenerate the plain profile's index.md; its path if it changed.

    Uses ``blogcli.listing.render_index(site) -> str`` when that module exists.
    """
    if site.profile != "plain":
        return None
    try:
        from blogcli import listing  # type: ignore[attr-defined, unused-ignore]
    except ImportError:
        return None
    render = getattr(listing, "render_index", None)
    if render is None:
        return None
    path = site.root / "index.md"
    data = str(render(site)).encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return None
    atomic_write(path, data)
    return path


def _owned_paths(site: Site, repo: GitRepo, posts: list[Post], edits: list[Edit]) -> list[str]:
    """The post, its bundle folder, the local images it links, and where it moved from/to."""
    found: list[Path] = []
    for post in posts:
        found.append(post.path)
        if post.path.name == "index.md" and post.path.parent not in (site.posts_dir,
                                                                      site.content_dir):
            found.append(post.path.parent)
        found.extend(linked_files(site, post))
    found.extend(e.dest for e in edits if e.moves)
    rels: list[str] = []
    for path in found:
        rel = repo.rel(path)
        if rel not in rels:
            rels.append(rel)
    return rels


def linked_files(site: Site, post: Post) -> list[Path]:
    """Local images and files the post links to (relative, or root-absolute in static dirs)."""
    found: list[Path] = []
    for match in IMAGE_LINK.finditer(post.body):
        target = unquote((match[1] or match[2]).split("#")[0].split("?")[0])
        if not target or "://" in target or target.startswith(("data:", "mailto:", "{")):
            continue
        bases = [site.root / d for d in site.static_dirs] if target.startswith("/") \
            else [post.path.parent]
        for base in bases:
            path = (base / target.lstrip("/")).resolve()
            if path.is_file() and is_within(path, site.root):
                found.append(path)
                break
    return found


def commit_message(template: str, posts: list[Post]) -> str:
    """Fill the message template; {title}, {slug}, {path} and {count} are known."""
    values = {"title": ", ".join(p.title for p in posts), "slug": ", ".join(p.slug for p in posts),
              "path": ", ".join(p.rel for p in posts), "count": str(len(posts))}
    try:
        return template.format_map(values)
    except (KeyError, ValueError, IndexError) as err:
        raise UsageError(f"commit message template {template!r} is not valid ({err}); use "
                         "{title}, {slug}, {path} or {count}") from None


def _dry_run(outcome: Outcome, edits: list[Edit], paths: list[str], target: Target | None,
             site: Site) -> Outcome:
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
        outcome.steps.append(f"git push {target.remote} {target.branch}:{target.remote_branch}"
                             "  (no force; then verify the remote branch)")
        outcome.pushed = f"{target.remote}/{target.remote_branch}"
    return outcome

