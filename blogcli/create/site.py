"""`blog init`: make a new blog repository, or adopt an existing site as it is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from blogcli.config import PROFILES
from blogcli.errors import BlogError, ContentError, GitError, UsageError, redact
from blogcli.files import atomic_write
from blogcli.git import run_git
from blogcli.site import detect_profile

IGNORES = {
    "plain": [],
    "hugo": ["public/", "resources/_gen/", ".hugo_build.lock"],
    "jekyll": ["_site/", ".jekyll-cache/", ".jekyll-metadata", ".sass-cache/"],
    "hexo": ["public/", "node_modules/", "db.json", ".deploy*/"],
    "zola": ["public/"],
}
KEEP = ".gitkeep"


@dataclass
class InitResult:
    """What `blog init` did."""

    root: Path
    profile: str
    adopted: bool
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    committed: bool = False


def init_site(folder: Path, *, profile: str | None = None, title: str | None = None,
              author: str | None = None, remote: str | None = None) -> InitResult:
    """Create a blog in ``folder`` (made if missing); an existing engine site is adopted."""
    if profile is not None and profile not in PROFILES:
        raise UsageError(f"--profile {profile!r} is not one of {', '.join(PROFILES)}")
    root = folder.resolve()
    if root.exists() and not root.is_dir():
        raise UsageError(f"{folder} exists and is not a folder")
    existing = detect_profile(root) if root.is_dir() else None
    if (root / "blog.toml").exists():
        raise ContentError(f"{root} already holds a blog (blog.toml is there); nothing to do")
    if existing is not None and profile not in (None, existing):
        raise UsageError(f"{root} is already a {existing} site; it cannot become {profile}")
    if remote is not None:
        _check_remote(remote)
    chosen = existing or profile or "plain"
    if existing is None:
        title = title or root.name
        author = author if author is not None else _git_user_name()
        files = {"blog.toml": _blog_toml(chosen, title, author)}
        files.update(_starter_files(chosen, title, author))
    else:
        # An adopted site keeps its engine's own title and author unless told otherwise.
        files = {"blog.toml": _blog_toml(chosen, title, author)}
    try:
        result = _write_files(root, chosen, files, adopted=existing is not None)
    except OSError as err:
        raise BlogError(f"cannot create the blog in {root}: {err.strerror}") from None
    _git_setup(result, remote)
    return result


def _blog_toml(profile: str, title: str | None, author: str | None) -> str:
    import json

    # JSON strings are valid TOML basic strings, so any title is written safely.
    lines = ["# Settings for `blog`; every key is optional. See README.md for all of them.",
             "[site]"]
    for key, value in (("title", title), ("author", author)):
        if value is not None:
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        else:
            lines.append(f"# {key} = ...  (read from the site's own config)")
    lines += [f'profile = "{profile}"', "", "[publish]",
              "# remote = \"origin\"  (default: the branch's upstream, else origin)",
              'message = "Publish: {title}"', ""]
    return "\n".join(lines)


def _check_remote(url: str) -> None:
    """Refuse a remote URL with a password or token in it: git would store it in plain text."""
    if url.startswith("-"):
        raise UsageError(f"--remote {url!r} is not a URL or path")
    userinfo = re.match(r"(?i)^[a-z][a-z0-9+.-]*://([^/@\s]*)@", url)
    user = userinfo.group(1) if userinfo else ""
    # A plain user name is fine; a password, or a token used as the user name, is not.
    if ":" in user or redact(user) != user or len(user) >= 32:
        raise UsageError("--remote has a password or token in it, which git would store in "
                         ".git/config in plain text; give the URL without it and let a "
                         "credential helper (or an SSH key) supply it")


def _starter_files(profile: str, title: str, author: str) -> dict[str, str]:
    import json

    quoted = json.dumps(title, ensure_ascii=False)
    ignore = "\n".join([*IGNORES[profile], ".blog-cache/"]) + "\n"
    files: dict[str, str] = {".gitignore": ignore}
    if profile == "plain":
        files["posts/" + KEEP] = ""
        files["index.md"] = f"# {title}\n\nNo posts yet.\n"
    elif profile == "hugo":
        files["hugo.toml"] = (f'baseURL = "https://example.org/"\nlanguageCode = "en-us"\n'
                              f"title = {quoted}\n\n[params]\nauthor = "
                              f"{json.dumps(author, ensure_ascii=False)}\n")
        files["content/posts/" + KEEP] = ""
        files["static/" + KEEP] = ""
    elif profile == "zola":
        files["config.toml"] = f'base_url = "https://example.org"\ntitle = {quoted}\n'
        files["content/posts/_index.md"] = '+++\ntitle = "Posts"\nsort_by = "date"\n+++\n'
        files["static/" + KEEP] = ""
    elif profile == "jekyll":
        files["_config.yml"] = f"title: {quoted}\nauthor: {json.dumps(author)}\n"
        files["_posts/" + KEEP] = ""
        files["_drafts/" + KEEP] = ""
    elif profile == "hexo":
        files["_config.yml"] = (f"title: {quoted}\nauthor: {json.dumps(author)}\n"
                                "source_dir: source\nnew_post_name: ':title.md'\n")
        files["source/_posts/" + KEEP] = ""
        files["source/_drafts/" + KEEP] = ""
    return files


def _write_files(root: Path, profile: str, files: dict[str, str], adopted: bool) -> InitResult:
    result = InitResult(root=root, profile=profile, adopted=adopted)
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        if path.exists() or path.is_symlink():
            result.kept.append(rel)  # never overwrite: what the user has stays
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8"))
        result.created.append(rel)
    return result


def _git_user_name() -> str:
    try:
        return run_git(Path.cwd(), "config", "user.name", timeout=10).stdout.strip()
    except GitError:
        return ""


def _git_setup(result: InitResult, remote: str | None) -> None:
    root = result.root
    inside = run_git(root, "rev-parse", "--is-inside-work-tree").returncode == 0
    if not inside:
        done = run_git(root, "init", "-q", "-b", "main")
        if done.returncode != 0:
            raise GitError(f"git init failed in {root}: {redact(done.stderr.strip())}")
    if remote:
        done = run_git(root, "remote", "add", "--", "origin", remote)
        if done.returncode != 0:
            raise GitError(f"could not add remote origin: {redact(done.stderr.strip())}")
    if inside or result.adopted:
        return  # an existing repository or site: the user decides what to commit
    run_git(root, "add", "--", *result.created)
    done = run_git(root, "commit", "-q", "-m", "Start the blog", "--", *result.created)
    if done.returncode != 0:
        raise GitError(f"created the blog in {root}, but git could not commit: "
                       f"{redact(done.stderr.strip())}\nSet your name and email "
                       "(git config --global user.name ...; user.email ...), then run: "
                       f"git -C {root} commit -m 'Start the blog'")
    result.committed = True
