"""Git for publishing: pre-flight checks, a commit of only the given paths, a verified push.

Imported only by `blog publish`/`unpublish`: GitPython runs `git version` when it is imported.
Every git process runs without prompts and with a timeout, and everything git prints passes
through ``redact`` before it reaches a message.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blogcli.errors import GitError, UsageError, redact
from blogcli.gittext import describe_remote_failure, no_prompt_env, remote_lines, tail

# Operations that leave the work tree half-way; committing on top of them mixes work.
IN_PROGRESS = (
    ("MERGE_HEAD", "merge", "git merge --continue or git merge --abort"),
    ("rebase-merge", "rebase", "git rebase --continue or git rebase --abort"),
    ("rebase-apply", "rebase or am", "git rebase --continue, git am --continue or --abort"),
    ("CHERRY_PICK_HEAD", "cherry-pick", "git cherry-pick --continue or --abort"),
    ("REVERT_HEAD", "revert", "git revert --continue or --abort"),
    ("BISECT_LOG", "bisect", "git bisect reset"),
)
Progress = Callable[[str, float | None, float | None], None]


@dataclass(frozen=True)
class Target:
    """Where a publish goes: the local branch, the remote and the branch on it."""

    branch: str
    remote: str
    remote_branch: str
    url: str  # already redacted

    @property
    def ref(self) -> str:
        return f"refs/heads/{self.remote_branch}"


@dataclass
class PushReport:
    """What the push did: the remote's own lines and the summary git gave."""

    remote_lines: list[str] = field(default_factory=list)
    summary: str = ""


def load_git() -> Any:
    """Import GitPython, turning a missing git binary into a clear GitError."""
    # GitPython logs git's raw stderr (remote URLs, maybe with tokens) as warnings; we report
    # failures ourselves, redacted, so its log records must not reach the terminal.
    logger = logging.getLogger("git")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    try:
        import git
    except ImportError as err:
        raise GitError("git is not installed or not on PATH (GitPython could not run it: "
                       f"{redact(str(err).splitlines()[0])}); install git and try again") from None
    return git


class GitRepo:
    """The repository a site lives in, with the checks and steps `blog publish` needs."""

    def __init__(self, root: Path, timeout: float = 120) -> None:
        self.timeout = timeout
        self.top = root
        self.env = dict(os.environ, **no_prompt_env(None))
        self._loader = _Loader()
        where = self.run("rev-parse", "--show-toplevel", "--absolute-git-dir", check=False)
        if where.returncode != 0:
            if "work tree" in where.stderr:
                raise GitError(f"{root} is in a bare git repository; publish from a clone")
            raise GitError(f"{root} is not inside a git repository; run `git init` there "
                           "(or make the blog with `blog init`) and commit it first")
        top, git_dir = where.stdout.splitlines()[:2]
        self.top, self.git_dir = Path(top).resolve(), Path(git_dir)
        self.config = self._read_config()
        self.env.update(no_prompt_env(self.config.get("core.sshcommand")))

    def close(self) -> None:
        """Wait for the background import (a thread must not outlive the command)."""
        if self._loader.is_alive():
            self._loader.join()

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run git in the work tree, without prompts; a failure raises GitError."""
        try:
            done = subprocess.run(["git", *args], cwd=self.top, env=self.env, text=True,
                                  capture_output=True, timeout=self.timeout, check=False,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise GitError(f"`git {args[0]}` did not finish within {self.timeout:g} s; "
                           "check the network and the remote, then run the command again") \
                from None
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH; install git and try again") \
                from None
        if check and done.returncode != 0:
            raise GitError(f"`git {args[0]}` failed: {tail(done.stderr)}")
        return done

    def _read_config(self) -> dict[str, str]:
        """The few settings publishing reads, in one git call (later values win, as in git)."""
        pattern = (r"^(user\.(name|email)|core\.sshcommand|remote\..+\.(url|pushurl)"
                   r"|branch\..+\.(remote|merge))$")
        done = self.run("config", "-z", "--get-regexp", pattern, check=False)
        found: dict[str, str] = {}
        for entry in done.stdout.split("\0"):
            key, _, value = entry.partition("\n")
            if key:
                found[key] = value
        return found

    def rel(self, path: Path) -> str:
        """A path relative to the top of the work tree, as git wants it."""
        return Path(os.path.relpath(path.resolve(), self.top)).as_posix()

    def check_state(self) -> str:
        """Refuse a detached HEAD, an operation in progress or a held index lock; the branch."""
        head = (self.git_dir / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref: refs/heads/"):
            raise GitError("HEAD is detached (no branch is checked out): run `git switch "
                           "BRANCH` (for example `git switch main`), then publish again")
        for name, what, todo in IN_PROGRESS:
            if (self.git_dir / name).exists():
                raise GitError(f"a {what} is in progress in this repository; finish it first "
                               f"({todo}), then publish again")
        if (self.git_dir / "index.lock").exists():
            raise GitError(f"{self.git_dir / 'index.lock'} exists: another git process is "
                           "running. Wait for it; if none is running, delete that file and "
                           "publish again")
        return head.removeprefix("ref: refs/heads/")

    def check_identity(self) -> None:
        """An author and committer must be configured; git's guess from the host name is not."""
        # Ask git itself, as the commit will (config, GIT_AUTHOR_*/GIT_COMMITTER_*, EMAIL).
        for who in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
            if self.run("-c", "user.useConfigOnly=true", "var", who, check=False).returncode:
                role = who.split("_")[1].lower()
                raise GitError(f"git does not know who you are (no {role} name and email): "
                               'run `git config --global user.name "Your Name"` and '
                               "`git config --global user.email you@example.com`, then "
                               "publish again")

    def target(self, branch: str, settings: dict[str, Any]) -> Target:
        """The remote and branch: blog.toml [publish], else the upstream, else origin."""
        upstream = self.config.get(f"branch.{branch}.remote")
        merge = self.config.get(f"branch.{branch}.merge", "").removeprefix("refs/heads/")
        remote = _name(settings, "remote") or upstream or "origin"
        wanted = _name(settings, "branch")
        if wanted and wanted != branch:
            raise GitError(f"blog.toml [publish] branch is {wanted!r} but {branch!r} is checked "
                           f"out: run `git switch {wanted}`, then publish again")
        remote_branch = merge if merge and upstream == remote else branch
        if remote.startswith("-") or remote_branch.startswith("-"):  # git would take an option
            raise UsageError(f"the remote {remote!r} or branch {remote_branch!r} starts with "
                             "'-'; rename it (`git remote rename`, `git branch -m`)")
        url = self.config.get(f"remote.{remote}.url")
        if url is None:
            raise GitError(f"there is no git remote named {remote!r}: add one with "
                           f"`git remote add {remote} URL` (or publish with --no-push)")
        return Target(branch, remote, remote_branch, redact(url))

    def fetch_behind(self, target: Target) -> tuple[int, int]:
        """Fetch the remote branch; (ahead, behind) of the local branch against it."""
        # GitPython is only needed for the push that follows; importing it costs more than the
        # remaining git calls together, so it loads in the background while they run.
        self._loader.start()
        tracking = f"refs/remotes/{target.remote}/{target.remote_branch}"
        done = self.run("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--",
                        target.remote, f"+{target.ref}:{tracking}", check=False)
        if done.returncode != 0:
            if "couldn't find remote ref" in done.stderr:
                return 1, 0  # the remote has no such branch yet: the first push makes it
            raise GitError(describe_remote_failure("fetch from", target, done.stderr))
        counts = self.run("rev-list", "--left-right", "--count", f"HEAD...{tracking}",
                          check=False)
        if counts.returncode != 0:  # no commit on this branch yet
            return 0, int(self.run("rev-list", "--count", tracking).stdout.strip())
        ahead, behind = (int(n) for n in counts.stdout.split())
        return ahead, behind

    def commit_only(self, paths: list[str], message: str) -> str | None:
        """Commit the work-tree state of ``paths`` and nothing else; the new commit or None.

        `git commit --only` builds the commit from HEAD plus these paths, so whatever else the
        user has staged stays staged and uncommitted. Untracked files among the paths are added
        first (git cannot commit a path it does not know); only paths git reports as changed
        are named, so unchanged or ignored files never make the commit fail.
        """
        status = self.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--",
                          *paths).stdout.split("\0")
        changed: list[str] = []
        untracked: list[str] = []
        fields = iter(status)
        for entry in fields:
            if len(entry) < 4:
                continue
            changed.append(entry[3:])
            if entry.startswith("??"):
                untracked.append(entry[3:])
            elif entry[0] in "RC":
                changed.append(next(fields, ""))  # -z puts a rename's old path next
        if not changed:
            return None
        if untracked:
            self.run("add", "--", *untracked)
        self.run("-c", "user.useConfigOnly=true", "commit", "--only", "--quiet",
                 "--message", message, "--", *[c for c in changed if c])
        return self.head()

    def unpushed(self, target: Target) -> list[tuple[str, list[str]]]:
        """The commits the push would send: ("sha subject", files each touches), newest first."""
        tracking = f"refs/remotes/{target.remote}/{target.remote_branch}"
        done = self.run("log", "-z", "--format=%x01%h %s", "--name-only", "-M",
                        f"{tracking}..HEAD", "--", check=False)
        commits: list[tuple[str, list[str]]] = []
        for entry in done.stdout.split("\0") if done.returncode == 0 else []:
            if entry.startswith("\x01"):
                commits.append((redact(entry[1:]), []))  # a subject may hold a token
            elif entry and commits:
                commits[-1][1].append(entry.removeprefix("\n"))
        return commits

    def is_changed(self, path: str) -> bool:
        """True when ``path`` differs from HEAD in the index or the work tree, or is untracked."""
        done = self.run("status", "--porcelain=v1", "--untracked-files=all", "--", path)
        return bool(done.stdout.strip())

    def head(self) -> str:
        """The commit HEAD points at."""
        return self.run("rev-parse", "--verify", "HEAD").stdout.strip()

    def push(self, target: Target, sha: str, progress: Progress | None) -> PushReport:
        """Push the branch (never forced) and prove the remote branch now is ``sha``."""
        git = self._loader.module()
        watcher = self._progress(git, progress)
        report = PushReport()
        repo = git.Repo(self.top)
        with repo.git.custom_environment(**no_prompt_env(self.config.get("core.sshcommand"))):
            try:
                infos = repo.remote(target.remote).push(
                    f"refs/heads/{target.branch}:{target.ref}", progress=watcher,
                    kill_after_timeout=self.timeout)
            except git.GitCommandError as err:
                report.remote_lines = remote_lines(watcher)
                # GitPython wraps git's stderr as "stderr: '...'"; show git's own words.
                said = re.sub(r"^\s*stderr: '(.*)'\s*$", r"\1", str(err.stderr), flags=re.S)
                raise GitError(describe_remote_failure("push to", target, said,
                                                       report.remote_lines)) from None
        report.remote_lines = remote_lines(watcher)
        self._check_infos(git, infos, target, report)
        self._verify(target, sha)
        return report

    def _check_infos(self, git: Any, infos: Any, target: Target, report: PushReport) -> None:
        """GitPython reports most push failures as flags, not exceptions: check them all."""
        info = git.PushInfo
        bad = info.ERROR | info.REJECTED | info.REMOTE_REJECTED | info.REMOTE_FAILURE
        ours = [i for i in infos if i.remote_ref_string == target.ref]
        failed = [i for i in ours if i.flags & bad]
        if failed or not ours or getattr(infos, "error", None) is not None:
            why = "; ".join(i.summary.strip() for i in failed) or "git reported an error"
            if any(i.flags & info.REJECTED for i in failed):
                why += f" (the remote has commits you do not: run `git pull --rebase " \
                       f"{target.remote} {target.remote_branch}`)"
            raise GitError(describe_remote_failure("push to", target, why, report.remote_lines))
        report.summary = ours[0].summary.strip()

    def _verify(self, target: Target, sha: str) -> None:
        # Ask where the push went: a remote's pushurl may differ from its fetch url.
        where = self.config.get(f"remote.{target.remote}.pushurl") or target.remote
        done = self.run("ls-remote", "--", where, target.ref, check=False)
        found = done.stdout.split()[0] if done.stdout.split() else ""
        if found != sha:
            raise GitError(f"the push to {target.remote} ({target.url}) looked successful, but "
                           f"{target.remote_branch} there is {found[:12] or 'missing'}, not "
                           f"{sha[:12]}; check the remote, then run the command again")

    def _progress(self, git: Any, callback: Progress | None) -> Any:
        base = git.RemoteProgress

        class Watcher(base):  # type: ignore[misc, valid-type]
            def update(self, op_code: int, cur_count: Any, max_count: Any = None,
                       message: str = "") -> None:
                if callback is not None:
                    stage = str(self._cur_line).split(":")[0].removeprefix("remote: ")
                    callback(stage, cur_count, max_count)

        return Watcher()


def _name(settings: dict[str, Any], key: str) -> str | None:
    """A remote or branch name from blog.toml [publish], checked: it is passed to git."""
    value = settings.get(key)
    if value is not None and not isinstance(value, str):
        raise UsageError(f"blog.toml: [publish] {key} = {value!r} must be a name in quotes")
    if value and (value.startswith("-") or not value.isprintable() or " " in value):
        raise UsageError(f"blog.toml: [publish] {key} = {value!r} is not a valid git {key} "
                         "name (it must not start with '-' or hold spaces)")
    return value or None


class _Loader(threading.Thread):
    """Imports GitPython off the main thread; ``module()`` waits for it."""

    def __init__(self) -> None:
        super().__init__(name="blog-gitpython", daemon=True)
        self._module: Any = None
        self._error: GitError | None = None

    def run(self) -> None:
        # While this thread imports, the main thread waits on git processes: let it take the
        # GIL back within 0.5 ms of a process finishing, not the default 5 ms, each time.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, 0.0005))
        try:
            self._module = load_git()
        except GitError as err:
            self._error = err
        finally:
            sys.setswitchinterval(interval)

    def module(self) -> Any:
        if self.ident is None:
            self.run()  # never started: load it here
        else:
            self.join()
        if self._error is not None:
            raise self._error
        return self._module
