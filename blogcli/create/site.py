"""`blog init`: make a new blog repository, or adopt an existing site as it is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from blogcli.config import PROFILES
from blogcli.errors import BlogError, ContentError, GitError, UsageError, redact
from blogcli.files import atomic_write
from blogcli.git import repo_top, run_git
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
    # Every git command run, as the user would type it, so init can say exactly what it did.
    commands: list[str] = field(default_factory=list)
    # Why no repository was made or nothing was committed, for init to say.
    notes: list[str] = field(default_factory=list)


def init_site(folder: Path, *, profile: str | None = None, title: str | None = None,
              author: str | None = None, remote: str | None = None,
              make_repo: bool = False) -> InitResult:
    """Create a blog in ``folder`` (made if missing); an existing engine site is adopted.

    An adopted site outside git gets a repository only with ``make_repo`` (``--git``): then
    its first commit holds the whole site, so the host can build what publish later pushes.
    """
    if profile is not None and profile not in PROFILES:
        raise UsageError(f"--profile {profile!r} is not one of {', '.join(PROFILES)}")
    root = folder.resolve()
    if root.exists() and not root.is_dir():
        raise UsageError(f"{folder} exists and is not a folder")
    existing = detect_profile(root) if root.is_dir() else None
    if (root / "blog.toml").exists():
        if make_repo and repo_top(root) is None:
            return _track_existing(root, existing or "plain", remote)
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
        if make_repo and repo_top(root) is None:
            files[".gitignore"] = "\n".join([*IGNORES[chosen], ".blog-cache/"]) + "\n"
    try:
        result = _write_files(root, chosen, files, adopted=existing is not None)
    except OSError as err:
        raise BlogError(f"cannot create the blog in {root}: {err.strerror}") from None
    if result.adopted:
        _adopt_git(result, remote, make_repo)
    else:
        _git_setup(result, remote)
    return result


def _track_existing(root: Path, profile: str, remote: str | None) -> InitResult:
    """``blog init --git`` on a blog adopted earlier without a repository."""
    ignore = {".gitignore": "\n".join([*IGNORES[profile], ".blog-cache/"]) + "\n"}
    try:
        result = _write_files(root, profile, ignore, adopted=True)
    except OSError as err:
        raise BlogError(f"cannot write {root / '.gitignore'}: {err.strerror}") from None
    _adopt_git(result, remote, make_repo=True)
    return result


def _adopt_git(result: InitResult, remote: str | None, make_repo: bool) -> None:
    """An adopted site: never make a repository unasked; with --git, commit the whole site."""
    root = result.root
    if repo_top(root) is not None:
        if remote:
            _git(result, "remote", "add", "--", "origin", remote)
        result.notes.append("nothing committed: this is your repository, you decide what "
                            "goes in (git add -- blog.toml && git commit)")
        return
    if not make_repo:
        result.notes.append(f"{root} is not in a git repository and none was made; `blog "
                            "publish` needs one: run `blog init --git "
                            f"{root}` to make it with a first commit of the whole site")
        if remote:
            result.notes.append("--remote was not set: there is no repository to set it in")
        return
    _git(result, "init", "-q", "-b", "main")
    if remote:
        _git(result, "remote", "add", "--", "origin", remote)
    _git(result, "add", "-A")
    _commit(result, "Track the site (blog init --git)", [])


def _git(result: InitResult, *args: str) -> None:
    """Run one git command in the site, record it, and raise GitError if it fails."""
    result.commands.append(" ".join(["git", *(_shell_word(a) for a in args if a != "-q")]))
    done = run_git(result.root, *args)
    if done.returncode != 0:
        raise GitError(f"git {args[0]} failed in {result.root}: {redact(done.stderr.strip())}")


def _shell_word(word: str) -> str:
    import shlex

    return shlex.quote(redact(word))


def _commit(result: InitResult, message: str, paths: list[str]) -> None:
    root = result.root
    only = ["--", *paths] if paths else []
    result.commands.append(f"git commit -m {_shell_word(message)}")
    done = run_git(root, "commit", "-q", "-m", message, *only)
    if done.returncode != 0:
        raise GitError(f"created the blog in {root}, but git could not commit: "
                       f"{redact(done.stderr.strip())}\nSet your name and email "
                       "(git config --global user.name ...; user.email ...), then run: "
                       f"git -C {root} commit -m {_shell_word(message)}")
    result.committed = True


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
    """A new blog: its own repository with a first commit, unless it sits inside one."""
    inside = repo_top(result.root) is not None
    if not inside:
        _git(result, "init", "-q", "-b", "main")
    if remote:
        _git(result, "remote", "add", "--", "origin", remote)
    if inside:
        result.notes.append("nothing committed: the blog is inside an existing repository, "
                            "you decide what goes in (git add . && git commit)")
        return
    _git(result, "add", "--", *result.created)
    _commit(result, "Start the blog", result.created)


# The files an engine cannot build without: publishing while they are untracked pushes a
# repository the host cannot build.
ENGINE_CONFIGS = {
    "hugo": ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml",
             "config.yml", "config.json", "config/_default"),
    "jekyll": ("_config.yml", "_config.yaml"),
    "hexo": ("_config.yml", "_config.yaml", "package.json"),
    "zola": ("config.toml",),
    "plain": ("blog.toml",),
}


def untracked_site_config(root: Path, profile: str) -> list[str]:
    """The engine's own config files in ``root`` not in the last commit (relative paths).

    Staged is not enough: publish commits only the post, so a config file only in the index
    would still be missing from what is pushed. Empty when all are committed, or when ``root``
    is not in a repository (publish says that itself). For publish's pre-flight: refuse, and
    say to commit these first (:func:`untracked_config_message`).
    """
    if repo_top(root) is None:
        return []
    present = [name for name in ENGINE_CONFIGS.get(profile, ()) if (root / name).exists()]
    if not present:
        return []
    # ls-tree prints paths relative to the current folder (the site root) with --full-name off.
    done = run_git(root, "ls-tree", "-r", "-z", "--name-only", "HEAD", "--", *present)
    committed = {Path(p) for p in done.stdout.split("\0") if p} if done.returncode == 0 else set()
    # A config folder (config/_default) counts as committed when any file in it is.
    return [name for name in present
            if not any(c == Path(name) or Path(name) in c.parents for c in committed)]


def untracked_config_message(root: Path, missing: list[str]) -> str:
    """The refusal publish prints for :func:`untracked_site_config`'s answer."""
    names = " ".join(missing)
    return (f"the site's own configuration is not committed ({', '.join(missing)}); a host "
            "building what publish pushes could not build the site. Commit it first: "
            f"git -C {root} add -- {names} && git -C {root} commit -m 'Track the site config'")
