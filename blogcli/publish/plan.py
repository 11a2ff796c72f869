"""Which posts, and what publishing changes in them: selection by path or slug, the planned
edit of each file (flag, date, drafts-folder move), its atomic application, and the files that
belong to a post (bundle folder, linked images)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from blogcli.create.post import hexo_post_name
from blogcli.errors import BlogError, ContentError, UsageError
from blogcli.files import atomic_write, is_within
from blogcli.frontmatter_edit import FrontMatterEdit
from blogcli.post import JEKYLL_NAME, Post, load_post, parse_date
from blogcli.site import Site, find_post_path, iter_posts

if TYPE_CHECKING:
    from blogcli.git import GitRepo

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


def select_posts(site: Site, names: list[str], cwd: Path) -> list[Post]:
    """The posts named by path or slug, in order, each once."""
    if not names:
        raise UsageError("name the posts to publish, by path or slug (`blog list --drafts` "
                         "shows the drafts), e.g. `blog publish my-first-post`")
    found: list[Post] = []
    for name in names:
        path = find_post_path(site, name, cwd)
        if all(p.path != path for p in found):
            found.append(load_post(path, site))
    return found


def list_drafts(site: Site) -> list[Post]:
    """Every draft, for choosing one interactively; unreadable posts are left out."""
    return [post for post in iter_posts(site) if post.draft]


def plan_publish(site: Site, post: Post, now: datetime, set_date: bool) -> Edit | None:
    """The edit that makes a draft live, or None when the post is published already."""
    before = post.path.read_bytes()
    fm = FrontMatterEdit(before, post.rel)
    was_draft = post.draft
    fm.set_bool("draft", False)
    fm.set_bool("published", True)
    dest = _published_path(site, post, now)
    # A date that does not parse is the check's finding (it refuses): never overwrite it here.
    has_date = post.meta.get("date") not in (None, "")
    name_dated = site.profile == "jekyll" and JEKYLL_NAME.match(post.path.stem) is not None
    if (not has_date and not name_dated) or (was_draft and set_date):
        fm.set_date(now)
    if not fm.changes and dest == post.path:
        return None
    return _checked(site, Edit(post, before, fm.result(), dest))


def _published_path(site: Site, post: Post, now: datetime) -> Path:
    if not post.in_drafts_dir or site.drafts_dir is None:
        return post.path
    try:
        stamp = parse_date(post.meta.get("date")) or now
    except ValueError:
        stamp = now  # the check refuses the junk date before this name is ever used
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
        # Hexo's new_post_name may nest posts in date folders; its drafts folder is flat.
        sub = Path() if site.profile == "hexo" else post.path.parent.relative_to(site.posts_dir)
        dest = site.drafts_dir / sub / f"{stem}{post.path.suffix}"
        if "date" not in post.meta and isinstance(post.date, date):
            fm.set_date(post.date)  # the date lived in the file name; keep it for republishing
    elif "draft" in post.meta:
        fm.set_bool("draft", True)
    else:
        fm.insert_bool("draft", True)
    return _checked(site, Edit(post, before, fm.result(), dest))


def _checked(site: Site, edit: Edit) -> Edit:
    """Refuse a destination outside the site, and a move onto another file, unless it is this
    very edit, left by an interrupted run."""
    if not is_within(edit.dest, site.root):
        raise UsageError(f"{edit.post.rel} would be written to {edit.dest}, outside the site at "
                         f"{site.root}; check the folders in blog.toml and the engine's config "
                         "(posts_dir, drafts_dir, new_post_name)")
    if edit.moves and edit.dest.exists() and edit.dest.read_bytes() != edit.after:
        raise ContentError(f"{edit.post.rel} would move to {edit.dest}, which exists; "
                           "rename one of them, then publish again")
    return edit


def apply_edits(edits: list[Edit]) -> None:
    """Write each edit atomically; a move writes the new file before removing the old one, so
    an interruption leaves the draft where it was (and maybe its finished copy, which the next
    run recognises)."""
    for edit in edits:
        try:
            edit.dest.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(edit.dest, edit.after)
            if edit.moves:
                edit.post.path.unlink()
        except OSError as err:
            raise BlogError(f"cannot write {edit.dest}: {err.strerror}; the post is unchanged "
                            "or fully edited, never half") from None


def undo_edits(edits: list[Edit], existed: set[Path]) -> None:
    """Put each post back as it was before ``apply_edits`` (``existed``: destinations that were
    there before, such as an interrupted run's copy, which stay)."""
    for edit in reversed(edits):
        try:
            atomic_write(edit.post.path, edit.before)
            if edit.moves and edit.dest not in existed:
                edit.dest.unlink(missing_ok=True)
        except OSError as err:
            raise BlogError(f"cannot restore {edit.post.rel}: {err.strerror}; the edited "
                            f"post is {edit.dest}") from None


def owned_paths(site: Site, repo: GitRepo, posts: list[Post], edits: list[Edit]) -> list[str]:
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


