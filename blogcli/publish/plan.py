"""Which posts, and what publishing changes in them: selection by path or slug, the planned
edit of each file (flag, date, drafts-folder move), its atomic application, and the files that
belong to a post (bundle folder, linked images)."""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from glob import escape as glob_escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from blogcli.clock import configured_zone
from blogcli.errors import BlogError, ContentError, GitError, UsageError, WriteError
from blogcli.files import is_within, temp_file
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
    """The posts named by path or slug, in order, each once; a symbolic link is refused."""
    if not names:
        raise UsageError("name the posts to publish, by path or slug (`blog list --drafts` "
                         "shows the drafts), e.g. `blog publish my-first-post`")
    found: list[Post] = []
    for name in names:
        for base in (cwd, site.root):
            _refuse_link(site, Path(os.path.normpath(base / name)))
        path = find_post_path(site, name, cwd)
        _refuse_link(site, path)
        if all(p.path != path for p in found):
            found.append(load_post(path, site))
    return found


def _refuse_link(site: Site, path: Path) -> None:
    """A post reached through a symbolic link: git commits the link, not what publish edits."""
    if not path.is_relative_to(site.root) or not os.path.lexists(path):
        return
    for step in (path, *path.parents):
        if step == site.root or not step.is_relative_to(site.root):
            return
        if step.is_symlink():
            real = path.resolve()
            shown = site.rel(real) if is_within(real, site.root) else str(real)
            raise GitError(f"{site.rel(path)} is a symbolic link"
                           + (f" (through {site.rel(step)})" if step != path else "")
                           + f": publishing it would edit {shown}, while git commits the link; "
                           "nothing was changed. Publish the real file by its path, or replace "
                           "the link with the file")


def post_flag(site: Site, post: Post, key: str) -> Any:
    """A front-matter value as the engine reads it (Hugo folds the case of keys)."""
    if key in post.meta or site.profile != "hugo":
        return post.meta.get(key)
    return next((v for k, v in post.meta.items() if isinstance(k, str) and k.lower() == key),
                None)


def is_draft(site: Site, post: Post) -> bool:
    """Whether the engine treats the post as a draft."""
    return (post.in_drafts_dir or post_flag(site, post, "draft") is True
            or post_flag(site, post, "published") is False)


def list_drafts(site: Site) -> list[Post]:
    """Every draft, for choosing one interactively; unreadable posts are left out."""
    return [post for post in iter_posts(site) if post.draft]


def plan_publish(site: Site, post: Post, now: datetime, set_date: bool,
                 keep_date: bool = False) -> Edit | None:
    """The edit that makes a draft live, or None when the post is published already.

    A draft that moves out of the drafts folder (Jekyll, Hexo) is dated ``now``, in its file
    name and its front matter, as jekyll-compose's ``publish`` does; ``keep_date`` keeps the
    draft's own date. A copy an interrupted run already wrote is that run's plan, continued.
    """
    moves = post.in_drafts_dir and site.drafts_dir is not None
    if moves:
        earlier = _earlier_copy(site, post, set_date)
        if earlier is not None:
            return earlier
        zone = configured_zone(site)
        if zone is not None and not keep_date:
            # The engine reads the date in the site's zone: the file name must say that day.
            now = now.astimezone(zone)
    return _publish_edit(site, post, now, set_date, dated=moves and not keep_date)


def _publish_edit(site: Site, post: Post, now: datetime | date, set_date: bool,
                  dated: bool) -> Edit | None:
    """Publishing's edit as of ``now``; ``dated``: the publish moment is the post's date."""
    before = post.path.read_bytes()
    fm = FrontMatterEdit(before, post.rel, fold_case=site.profile == "hugo", site=site)
    was_draft = is_draft(site, post)
    fm.set_bool("draft", False)
    fm.set_bool("published", True)
    dest = _published_path(site, post, now, dated)
    # A date that does not parse is the check's finding (it refuses): never overwrite it here.
    has_date = post_flag(site, post, "date") not in (None, "")
    name_dated = site.profile == "jekyll" and JEKYLL_NAME.match(post.path.stem) is not None
    if dated or (not has_date and not name_dated) or (was_draft and set_date):
        fm.set_date(now)
    if not fm.changes and dest == post.path:
        return None
    return _checked(site, Edit(post, before, fm.result(), dest))


def _earlier_copy(site: Site, post: Post, set_date: bool) -> Edit | None:
    """The edit an interrupted run made, when its copy of ``post`` is in the posts folder.

    That run wrote the copy before removing the draft, and the copy's date is the moment it
    planned with: planning again as of that moment (dated, or keeping the draft's date) gives
    exactly the copy's name and bytes, so a rerun on a later day continues the same plan
    instead of dating a second copy.
    """
    for copy in _copies(site, post):
        try:
            raw = copy.read_bytes()
            moment = parse_date(load_post(copy, site).meta.get("date"))
        except (OSError, ValueError, BlogError):
            continue
        if moment is None:
            continue
        for dated in (True, False):
            try:
                edit = _publish_edit(site, post, moment, set_date, dated)
            except BlogError:
                continue
            if edit is not None and edit.dest == copy and edit.after == raw:
                return edit
    return None


def _copies(site: Site, post: Post) -> list[Path]:
    """Files in the posts folder named as ``post`` would be when published on some day."""
    assert site.drafts_dir is not None
    stem, suffix = post.path.stem, post.path.suffix
    if site.profile == "hexo":
        pattern = str(site.engine.get("new_post_name") or ":title.md")
        name = re.sub(r":(title|post_title)\b", lambda _: glob_escape(stem), pattern)
        name = re.sub(r":[a-z_]+", "*", name)
        name = name if name.endswith(".md") else name + ".md"
        if ".." in Path(name).parts or name.startswith("/"):
            return []
        return sorted(site.posts_dir.glob(name))
    folder = site.posts_dir / post.path.parent.relative_to(site.drafts_dir)
    return sorted(p for p in folder.glob(f"*-{glob_escape(stem)}{glob_escape(suffix)}")
                  if (m := JEKYLL_NAME.match(p.stem)) and m[4] == stem)


def _published_path(site: Site, post: Post, now: datetime | date, dated: bool = False) -> Path:
    if not post.in_drafts_dir or site.drafts_dir is None:
        return post.path
    try:
        stamp = now if dated else parse_date(post.meta.get("date")) or now
    except ValueError:
        stamp = now  # the check refuses the junk date before this name is ever used
    sub = post.path.parent.relative_to(site.drafts_dir)
    if site.profile == "hexo":
        # Only here: blogcli.create.post brings the templates module, which no other
        # publish needs.
        from blogcli.create.post import hexo_post_name

        pattern = str(site.engine.get("new_post_name") or ":title.md")
        name = hexo_post_name(pattern, post.path.stem, stamp)
    else:
        name = f"{stamp:%Y-%m-%d}-{post.path.stem}{post.path.suffix}"
    return site.posts_dir / sub / name


def plan_unpublish(site: Site, post: Post) -> Edit | None:
    """The edit that makes a post a draft again, or None when it is one already."""
    if is_draft(site, post):
        return None
    before = post.path.read_bytes()
    fm = FrontMatterEdit(before, post.rel, fold_case=site.profile == "hugo", site=site)
    dest = post.path
    if site.profile in ("jekyll", "hexo") and site.drafts_dir is not None:
        match = JEKYLL_NAME.match(post.path.stem)
        stem = match[4] if match else post.path.stem
        # Hexo's new_post_name may nest posts in date folders; its drafts folder is flat.
        sub = Path() if site.profile == "hexo" else post.path.parent.relative_to(site.posts_dir)
        dest = site.drafts_dir / sub / f"{stem}{post.path.suffix}"
        if "date" not in post.meta and isinstance(post.date, date):
            fm.set_date(post.date)  # the date lived in the file name; keep it for republishing
    elif post_flag(site, post, "draft") is not None:
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


class Changed(ContentError):
    """A file no longer holds the bytes an edit was computed from: someone saved it meanwhile."""


def apply_edits(edits: list[Edit]) -> None:
    """Write each edit atomically, only over the very bytes it was computed from; on any
    failure put back the edits already made, so the posts are all edited or none.

    A move writes the new file before removing the old one, so an interruption leaves the
    draft where it was (and maybe its finished copy, which the next run recognises).
    """
    done: list[Edit] = []
    existed = {e.dest for e in edits if e.moves and e.dest.exists()}
    for edit in edits:
        try:
            edit.dest.parent.mkdir(parents=True, exist_ok=True)
            replace_if_unchanged(edit.post.path, edit.before, edit.dest, edit.after)
            if edit.moves:
                edit.post.path.unlink()
            done.append(edit)
        except (OSError, Changed) as err:
            undo_edits(done, existed)
            if isinstance(err, Changed):
                raise Changed(f"{err}; nothing was changed. Run the command again to publish "
                              "what the file holds now") from None
            raise WriteError(f"cannot write {edit.dest}: {err.strerror or err}; nothing was "
                             "changed") from None


def replace_if_unchanged(source: Path, expected: bytes | None, dest: Path,
                         data: bytes) -> None:
    """``atomic_write`` of ``data`` to ``dest``, refusing (Changed) when ``source`` no longer
    holds ``expected`` (None: must not exist), compared just before the rename."""
    # A short temporary name: a post whose name is near the 255-byte limit still fits.
    fd, tmp = temp_file(dest.parent, ".blog-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mode = dest.stat().st_mode & 0o7777 if dest.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        try:
            now = source.read_bytes()
        except FileNotFoundError:
            now = None
        if now != expected:
            gone = " (it is gone)" if now is None and expected is not None else ""
            raise Changed(f"{_shown(source)} changed while blog was publishing it{gone}")
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _shown(path: Path) -> str:
    from blogcli.git import repo_top

    top = repo_top(path.parent)
    return os.path.relpath(path, top) if top else str(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def undo_edits(edits: list[Edit], existed: set[Path]) -> None:
    """Put each post back as it was before ``apply_edits`` (``existed``: destinations that were
    there before, such as an interrupted run's copy, which stay); a post changed since is left
    as the user saved it."""
    for edit in reversed(edits):
        try:
            if edit.moves:
                replace_if_unchanged(edit.dest, edit.after, edit.post.path, edit.before)
                if edit.dest not in existed:
                    edit.dest.unlink(missing_ok=True)
            else:
                replace_if_unchanged(edit.post.path, edit.after, edit.post.path, edit.before)
        except Changed:
            continue
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


