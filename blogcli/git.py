"""The one git runner: every git process blog starts (init, publish, the CLI) goes through here.

Plain `git` through subprocess, not GitPython: GitPython itself runs the git binary for each
of these steps, and importing it costs ~90 ms (it runs `git version` at import), most of what
publish is allowed on top of git's own time. Every process runs without prompts and with a
timeout, and everything git prints passes through ``redact`` before it reaches a message.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from blogcli.config import PublishTable
from blogcli.errors import GitError, UsageError, redact, remember_url

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


# The settings publishing reads (GitRepo._read_config).
CONFIG_KEYS = (r"^(user\.(name|email)|core\.sshcommand|remote\..+\.(url|pushurl)"
               r"|branch\..+\.(remote|merge))$")


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


class GitRepo:
    """The repository a site lives in, with the checks and steps `blog publish` needs."""

    def __init__(self, root: Path, timeout: float = 120) -> None:
        self.timeout = timeout
        self.top = root
        self._push_urls: dict[str, list[str]] = {}
        self._unpushed: dict[str, list[tuple[str, list[str]]]] = {}  # fetch_behind's answer
        self.along_answers: list[subprocess.CompletedProcess[str]] = []  # fetch_behind's
        self.env = dict(os.environ, **no_prompt_env(None))
        # Side by side (one process's time): the config reads the same either way, and is
        # dropped when this is no repository.
        where, config = spawn_together(
            [["git", "rev-parse", "--show-toplevel", "--absolute-git-dir"],
             ["git", "config", "-z", "--get-regexp", CONFIG_KEYS]], self.top, self.env)
        if where.returncode != 0:
            if "work tree" in where.stderr:
                raise GitError(f"{root} is in a bare git repository; publish from a clone")
            raise GitError(f"{root} is not inside a git repository; run `git init` there "
                           "(or make the blog with `blog init`) and commit it first")
        top, git_dir = where.stdout.splitlines()[:2]
        self.top, self.git_dir = Path(top).resolve(), Path(git_dir)
        self.config = self._read_config(config)
        self.env.update(no_prompt_env(self.config.get("core.sshcommand")))

    def run(self, *args: str, check: bool = True,
            network: bool = False) -> subprocess.CompletedProcess[str]:
        """Run git in the work tree, without prompts; a failure raises GitError.

        Only ``network`` steps have the [publish] timeout: a local step (a commit with a slow
        hook, gpg waiting for its agent) is given the time it needs, because killing git there
        leaves .git/index.lock behind.
        """
        done = spawn(["git", *args], self.top, self.env, self.timeout if network else None)
        return self._checked(args, done) if check else done

    def _checked(self, args: tuple[str, ...] | list[str],
                 done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
        """``run``'s verdict on a finished git process: a failure raises GitError."""
        if done.returncode != 0:
            if done.returncode == TIMED_OUT:
                raise GitError(f"`git {command_name(args)}` did not finish within "
                               f"{self.timeout:g} s (blog.toml [publish] timeout); check the "
                               "network and the remote, then run the command again")
            raise GitError(f"`git {command_name(args)}` failed: "
                           f"{tail(done.stderr) if done.stderr.strip() else tail(done.stdout)}")
        return done

    def _read_config(self, done: subprocess.CompletedProcess[str]) -> dict[str, str]:
        """The few settings publishing reads (CONFIG_KEYS), from one git call (later values
        win, as in git)."""
        found: dict[str, str] = {}
        for entry in done.stdout.split("\0"):
            key, _, value = entry.partition("\n")
            if key:
                found[key] = value
                if key.endswith("url"):
                    remember_url(value)  # a server may echo them: redact them by value
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

    IDENTS = ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT")

    def identity_commands(self) -> list[list[str]]:
        """The `git var` processes that ``check_identity`` judges, to start with others."""
        return [["git", "-c", "user.useConfigOnly=true", "var", who] for who in self.IDENTS]

    def check_identity(self, answers: list[subprocess.CompletedProcess[str]] | None = None,
                       ) -> None:
        """An author and committer must be configured; git's guess from the host name is not.
        ``answers``: what ``identity_commands`` said, when they were run with others."""
        # Ask git itself, as the commit will (config, GIT_AUTHOR_*/GIT_COMMITTER_*, EMAIL).
        if answers is None:
            answers = spawn_together(self.identity_commands(), self.top, self.env)
        for who, done in zip(self.IDENTS, answers, strict=True):
            if done.returncode:
                role = who.split("_")[1].lower()
                raise GitError(f"git does not know who you are (no {role} name and email): "
                               'run `git config --global user.name "Your Name"` and '
                               "`git config --global user.email you@example.com`, then "
                               "publish again")

    def target(self, branch: str, settings: PublishTable) -> Target:
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

    def fetch_behind(self, target: Target,
                     along: list[list[str]] | None = None) -> tuple[int, int]:
        """Fetch the remote branch; (ahead, behind) of the local branch against it.
        ``along``: local git commands that only read, run side by side with what follows the
        fetch; their answers are left in ``along_answers`` (empty when the fetch failed)."""
        self.along_answers = []
        tracking = f"refs/remotes/{target.remote}/{target.remote_branch}"
        done = self.run("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--",
                        target.remote, f"+{target.ref}:{tracking}", check=False, network=True)
        if done.returncode != 0:
            if "couldn't find remote ref" in done.stderr:
                if along:
                    self.along_answers = spawn_together(along, self.top, self.env)
                return 1, 0  # the remote has no such branch yet: the first push makes it
            raise GitError(describe_remote_failure("fetch from", target, done.stderr))
        # One `git log` of both sides answers (ahead, behind) and which commits the push
        # would send (``unpushed``, asked next): one process instead of two.
        done, *self.along_answers = spawn_together(
            [["git", *self._log_args(f"HEAD...{tracking}", "--left-right")], *(along or [])],
            self.top, self.env)
        if done.returncode != 0:  # no commit on this branch yet
            return 0, int(self.run("rev-list", "--count", tracking).stdout.strip())
        sides = _commits(done.stdout)
        ahead = [commit for side, commit in sides if side == "<"]
        self._unpushed[tracking] = ahead
        return len(ahead), len(sides) - len(ahead)

    def status_args(self, paths: list[str], ignored: bool = False) -> list[str]:
        return ["status", "--porcelain=v1", "-z", "--untracked-files=all",
                *(["--ignored"] if ignored else []), "--", *paths]

    def start_status(self, paths: list[str], ignored: bool = False) -> subprocess.Popen[str]:
        """Start ``status``'s git process, to do other things while it runs."""
        return _start(["git", *self.status_args(paths, ignored)], self.top, self.env, None)

    def status(self, paths: list[str], ignored: bool = False,
               started: subprocess.Popen[str] | None = None) -> list[tuple[str, str]]:
        """(XY, path) for each file under ``paths`` that differs from HEAD or is untracked; a
        rename's old path is its own ("D ", old) entry. ``ignored``: also ("!!", path) for
        each untracked file git ignores. ``started``: the same question, begun by
        ``start_status``."""
        done = self.run(*self.status_args(paths, ignored)) if started is None else \
            self._checked(self.status_args(paths, ignored), _finish(started, None, None))
        found: list[tuple[str, str]] = []
        fields = iter(done.stdout.split("\0"))
        for entry in fields:
            if len(entry) < 4:
                continue
            found.append((entry[:2], entry[3:]))
            if entry[0] in "RC":
                found.append(("D ", next(fields, "")))  # -z puts a rename's old path next
        return found

    def add(self, paths: list[str]) -> None:
        """Stage ``paths`` as the work tree has them (a commit cannot name a path git does
        not know)."""
        if paths:
            self.run("add", "--", *paths)

    def commit_only(self, paths: list[str], message: str,
                    status: list[tuple[str, str]] | None = None) -> str | None:
        """Commit the work-tree state of ``paths`` and nothing else; the new commit or None.

        Whatever else the user has staged stays staged and uncommitted. Only paths git reports
        as changed are named, so unchanged or ignored files never make the commit fail
        (``status``: ``self.status(paths)``, when the caller has just asked it).
        """
        made = self.commit_only_files(paths, message, status)
        return made[0] if made else None

    def commit_only_files(self, paths: list[str], message: str,
                          status: list[tuple[str, str]] | None = None,
                          ) -> tuple[str, list[str]] | None:
        """``commit_only``, and the files the new commit changes against its parent."""
        if status is None:
            status = self.status(paths)
        changed = [path for _, path in status if path]
        if not changed:
            return None
        untracked = [path for xy, path in status if xy == "??"]
        only = ["--only"]
        if all(xy[1] in " ?M" for xy, _ in status):
            # What else is staged, asked while the paths are added (diff-index only reads
            # the index; the add replaces it whole and changes only these paths). With nothing
            # else staged, the index after the add is HEAD plus these paths: a plain commit of
            # it is the commit `--only` makes, without building a second index from HEAD's
            # tree (17 ms against 37 on a 5,000-post repository). A path deleted from the work
            # tree (a move's old place) is left to --only, unstaged, as an interrupted run's
            # rerun finds it.
            asked = _start(["git", "diff-index", "--cached", "--name-only", "-z", "HEAD", "--"],
                           self.top, self.env, None)
            try:
                self.add([path for xy, path in status if xy[1] in "?M"])
            finally:
                staged = _finish(asked, None, None)
            if staged.returncode == 0 and not set(staged.stdout.split("\0")) - {"", *changed}:
                only = []
        else:
            self.add(untracked)
        self.run("-c", "user.useConfigOnly=true", "commit", *only, "--quiet", "--message",
                 message, *(["--", *changed] if only else []))
        # The commit and its files in one process (rev-parse, then diff-tree, took two);
        # --always prints the commit even when it changes nothing.
        done = self.run("diff-tree", "-r", "--always", "--name-only", "-z", "--root", "HEAD")
        sha, *files = [name for name in done.stdout.split("\0") if name]
        return sha.strip(), files

    def unpushed(self, target: Target) -> list[tuple[str, list[str]]]:
        """The commits the push would send: ("sha subject", files each touches), newest first."""
        tracking = f"refs/remotes/{target.remote}/{target.remote_branch}"
        if tracking in self._unpushed:  # the fetch just asked (fetch_behind); asked once
            return self._unpushed.pop(tracking)
        done = self._log(f"{tracking}..HEAD")
        return [commit for _, commit in _commits(done.stdout)] if done.returncode == 0 else []

    def _log(self, revs: str, *options: str) -> subprocess.CompletedProcess[str]:
        """Each commit of ``revs`` with the files it touches, for ``_commits``."""
        return self.run(*self._log_args(revs, *options), check=False)

    def _log_args(self, revs: str, *options: str) -> list[str]:
        return ["log", "-z", "--format=%x01%m%h %s", "--name-only", "-M", *options, revs, "--"]

    def is_changed(self, path: str) -> bool:
        """True when ``path`` differs from HEAD in the index or the work tree, or is untracked."""
        done = self.run("status", "--porcelain=v1", "--untracked-files=all", "--", path)
        return bool(done.stdout.strip())

    def head(self) -> str:
        """The commit HEAD points at."""
        return self.run("rev-parse", "--verify", "HEAD").stdout.strip()

    def head_or_none(self) -> str | None:
        """HEAD's commit, or None on a branch with no commit yet."""
        done = self.run("rev-parse", "--verify", "--quiet", "HEAD", check=False)
        return done.stdout.strip() or None

    def push(self, target: Target, sha: str, progress: Progress | None) -> PushReport:
        """Push the branch (never forced) and prove the remote branch now is ``sha``."""
        refspec = f"refs/heads/{target.branch}:{target.ref}"
        args = ["push", "--porcelain", "--progress" if progress else "--no-progress", "--",
                target.remote, refspec]
        done = self._run_watched(args, progress)
        report = PushReport(remote_lines=remote_lines(done.stderr))
        # --porcelain: one "flag<TAB>from:to<TAB>summary" line per ref, on stdout.
        ours = [line.split("\t") for line in done.stdout.splitlines()
                if line.count("\t") >= 2 and line.split("\t")[1].endswith(f":{target.ref}")]
        if done.returncode != 0 or not ours or ours[0][0] not in (" ", "*", "="):
            said = "\n".join(line for line in done.stderr.splitlines()
                             if not line.startswith("remote:"))
            if ours:
                said = f"{said}\n{ours[0][2].strip()}"
                if ours[0][0] == "!" and "reject" in ours[0][2] and "remote rejected" not in said:
                    said += (f" (the remote has commits you do not: run `git pull --rebase "
                             f"{target.remote} {target.remote_branch}`)")
            if len(self.push_urls(target.remote)) > 1:
                self._verify(target, sha, said)  # names each push URL that did not get it
            raise GitError(describe_remote_failure("push to", target, said.strip(),
                                                   report.remote_lines))
        report.summary = ours[0][2].strip()
        self._verify(target, sha)
        return report

    def _run_watched(self, args: list[str], progress: Progress | None,
                     ) -> subprocess.CompletedProcess[str]:
        """``run`` for a network step whose progress (on stderr) feeds ``progress``."""
        if progress is None:
            return spawn(["git", *args], self.top, self.env, self.timeout)
        with subprocess.Popen(["git", *args], cwd=self.top, env=self.env, text=True,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) as proc:
            timer = threading.Timer(self.timeout, stop, (proc,))
            timer.start()
            try:
                assert proc.stdout is not None and proc.stderr is not None
                stdout = proc.stdout
                out: list[str] = []
                # stdout is read meanwhile, so that neither pipe can fill up and stall git.
                reader = threading.Thread(target=lambda: out.append(stdout.read()), daemon=True)
                reader.start()
                err = _follow(proc.stderr, progress)
                proc.wait()
                reader.join()
            except BaseException:
                stop(proc)
                raise
            finally:
                timer.cancel()
        if proc.returncode < 0:
            err += "\nfatal: timed out"
        return subprocess.CompletedProcess(args, proc.returncode, "".join(out), err)

    def _verify(self, target: Target, sha: str, said: str = "") -> None:
        """Every push URL of the remote must now hold ``sha`` (a remote may have several)."""
        missing = self.missing_on(target, sha)
        if not missing:
            return
        lines = "\n".join(f"  {redact(url)}: {why}" for url, why in missing)
        first = redact(missing[0][0])
        raise GitError(f"could not push to {target.remote} ({first}): {len(missing)} of its push "
                       f"URLs did not receive {sha[:12]}:\n{lines}"
                       + (f"\ngit said: {tail(said)}" if said.strip() else ""))

    def push_urls(self, remote: str) -> list[str]:
        """Where `git push REMOTE` sends: every pushurl, else the url (insteadOf applied).
        Asked once per run: the answer is the config's, which the run does not change."""
        if remote not in self._push_urls:
            self.remember_push_urls(remote, spawn(self.push_urls_command(remote), self.top,
                                                  self.env, None))
        return self._push_urls[remote]

    def push_urls_command(self, remote: str) -> list[str]:
        """The git process ``push_urls`` asks, to start with others."""
        return ["git", "remote", "get-url", "--push", "--all", remote]

    def remember_push_urls(self, remote: str, done: subprocess.CompletedProcess[str]) -> None:
        """Keep what ``push_urls_command`` said (a failure: the remote is a URL itself)."""
        self._push_urls[remote] = done.stdout.splitlines() if done.returncode == 0 \
            else [remote]

    def missing_on(self, target: Target, sha: str) -> list[tuple[str, str]]:
        """The push URLs whose branch is not ``sha``, each with what it holds instead."""
        missing: list[tuple[str, str]] = []
        for url in self.push_urls(target.remote):
            done = self.run("ls-remote", "--", url, target.ref, check=False, network=True)
            found = done.stdout.split()[0] if done.stdout.split() else ""
            if done.returncode != 0:
                missing.append((url, f"not reachable ({tail(done.stderr, 2)})"))
            elif found != sha:
                missing.append((url, f"{target.remote_branch} is {found[:12] or 'missing'}"))
        return missing

    def commit_files(self, sha: str) -> list[str]:
        """The files a commit changes against its first parent (every file of a root commit)."""
        done = self.run("diff-tree", "-r", "--no-commit-id", "--name-only", "-z", "--root", sha)
        return [name for name in done.stdout.split("\0") if name]

    def read_index(self) -> bytes | None:
        """The index file as it is, to put back if a commit must be undone."""
        try:
            return (self.git_dir / "index").read_bytes()
        except FileNotFoundError:
            return None

    def undo_commit(self, before: str | None, made: str, index: bytes | None) -> None:
        """Move the branch back from ``made`` and restore the index; the work tree stays."""
        if before is None:
            self.run("update-ref", "-d", "HEAD", made)
        else:
            self.run("update-ref", "-m", "blog: undo a commit a hook changed", "HEAD", before,
                     made)
        if index is None:
            return
        # git's own lock protocol: write index.lock, then rename it over the index.
        lock = self.git_dir / "index.lock"
        fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(index)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(lock, self.git_dir / "index")
        except BaseException:
            lock.unlink(missing_ok=True)
            raise

    def ignored(self, paths: list[str]) -> list[tuple[str, str]]:
        """Untracked ``paths`` git ignores, each with the rule (``.gitignore:3: *.md``)."""
        # check-ignore refuses literal pathspecs; it reads file names here, never patterns.
        env = {k: v for k, v in self.env.items() if k != "GIT_LITERAL_PATHSPECS"}
        done = spawn(["git", "check-ignore", "-v", "-z", "--stdin"], self.top, env, None,
                     "".join(f"{p}\0" for p in paths))
        if done.returncode not in (0, 1):
            raise GitError(f"`git check-ignore` failed: {tail(done.stderr)}")
        parts = done.stdout.split("\0")
        # -v also names a path whose last matching rule is a negation (`!keep.md`): that
        # path is not ignored.
        return [(parts[i + 3], f"{parts[i]}:{parts[i + 1]}: {parts[i + 2]}")
                for i in range(0, len(parts) - 3, 4) if not parts[i + 2].startswith("!")]

    def tracked(self, paths: list[str]) -> set[str]:
        """Which of ``paths`` (or files under them) git tracks."""
        done = self.run("ls-files", "-z", "--", *paths)
        return {name for name in done.stdout.split("\0") if name}

    def deleted(self, folders: list[str]) -> list[str]:
        """Tracked files under ``folders`` that are gone from the work tree or staged gone."""
        done = self.run("status", "--porcelain=v1", "-z", "--untracked-files=no", "--",
                        *folders)
        return [entry[3:] for entry in done.stdout.split("\0")
                if len(entry) > 3 and "D" in entry[:2]]

    def show(self, rev: str, path: str) -> bytes | None:
        """A file's bytes at ``rev``, or None when it is not there."""
        done = subprocess.run(["git", "cat-file", "blob", f"{rev}:{path}"], cwd=self.top,
                              env=self.env, capture_output=True, check=False,
                              stdin=subprocess.DEVNULL)
        return done.stdout if done.returncode == 0 else None

    @contextlib.contextmanager
    def lock(self, wait: float, say: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold .git/blog.lock: one blog run at a time changes this repository.

        A lock whose process is gone (killed) is taken over; a live one is waited for up to
        ``wait`` seconds.
        """
        path = self.git_dir / "blog.lock"
        me = f"{os.getpid()} {_hostname()}\n"
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                holder = _read_lock(path)
                if holder is not None and not _alive(*holder):
                    path.unlink(missing_ok=True)
                    continue
                if time.monotonic() > deadline:
                    pid = holder[0] if holder else "?"
                    raise GitError(f"another blog run (pid {pid}) has been changing this "
                                   f"repository for over {wait:g} s; wait for it, or if no "
                                   f"blog is running delete {path}, then run again") from None
                if not told and say is not None:
                    say(f"waiting for another blog run (pid {holder[0] if holder else '?'}) "
                        "in this repository to finish...")
                    told = True
                time.sleep(0.1)
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(me)
            break
        try:
            yield
        finally:
            if _read_lock(path) == (os.getpid(), _hostname()):
                path.unlink(missing_ok=True)


def _commits(out: str) -> list[tuple[str, tuple[str, list[str]]]]:
    """``_log``'s output: (side, ("sha subject", files)) per commit, newest first; the side
    is "<" or ">" with --left-right (else "-")."""
    commits: list[tuple[str, tuple[str, list[str]]]] = []
    for entry in out.split("\0"):
        if entry.startswith("\x01"):
            # A subject may hold a token.
            commits.append((entry[1:2], (redact(entry[2:]), [])))
        elif entry and commits:
            commits[-1][1][1].append(entry.removeprefix("\n"))
    return commits


def _read_lock(path: Path) -> tuple[int, str] | None:
    try:
        pid, _, host = path.read_text(encoding="utf-8").strip().partition(" ")
        return int(pid), host
    except (OSError, ValueError):
        return None


def _alive(pid: int, host: str) -> bool:
    """Whether the lock's process still runs (on another host: assume it does)."""
    if host and host != _hostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


TIMED_OUT = -1000


def spawn(argv: list[str], cwd: Path, env: dict[str, str], timeout: float | None,
          stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run one git process; stop it gently on a timeout or an interrupt of ours.

    subprocess.run kills the child with SIGKILL on any exception, which leaves git's lock
    files behind; git removes them itself on SIGTERM, so that is what it gets, and we wait.
    """
    return _finish(_start(argv, cwd, env, stdin), stdin, timeout)


def spawn_together(argvs: list[list[str]], cwd: Path,
                   env: dict[str, str]) -> list[subprocess.CompletedProcess[str]]:
    """Several local git commands that only read, run at once (no timeout: local steps);
    their results in order. Each takes 1-4 ms (quiet to busy) from here, so side by side
    they take about the time of one; an interrupt stops every one of them gently."""
    procs: list[subprocess.Popen[str]] = []
    try:
        for argv in argvs:
            procs.append(_start(argv, cwd, env, None))
        return [_finish(proc, None, None) for proc in procs]
    finally:
        for proc in procs:  # all finished unless something stopped us: then stop the rest
            with proc:
                stop(proc)


def _start(argv: list[str], cwd: Path, env: dict[str, str],
           stdin: str | None) -> subprocess.Popen[str]:
    try:
        return subprocess.Popen(argv, cwd=cwd, env=env, text=True,
                                stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH; install git and try again") \
            from None


def _finish(proc: subprocess.Popen[str], stdin: str | None,
            timeout: float | None) -> subprocess.CompletedProcess[str]:
    """Wait for ``proc`` (spawn's second half): its output, gently stopped on a timeout or an
    interrupt."""
    argv = [str(arg) for arg in proc.args] if isinstance(proc.args, list) else [str(proc.args)]
    with proc:
        try:
            out, err = proc.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            stop(proc)
            try:
                out, err = proc.communicate(timeout=1)
            except subprocess.TimeoutExpired:  # its own children (a hook) hold the pipes
                out, err = "", ""
            return subprocess.CompletedProcess(argv, TIMED_OUT, out, err + "\nfatal: timed out")
        except BaseException:
            stop(proc)
            raise
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def stop(proc: subprocess.Popen[str]) -> None:
    """SIGTERM (git cleans up its locks), then SIGKILL if it has not gone in 2 s."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def command_name(args: tuple[str, ...] | list[str]) -> str:
    """The git subcommand in ``args`` (skipping ``-c key=value`` and other options)."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-c", "-C"):
            skip = True
        elif not arg.startswith("-"):
            return arg
    return args[0] if args else "git"


def _name(settings: PublishTable, key: str) -> str | None:
    """A remote or branch name from blog.toml [publish], checked: it is passed to git."""
    value: str | None = getattr(settings, key)
    if value and (value.startswith("-") or not value.isprintable() or " " in value):
        raise UsageError(f"blog.toml: [publish] {key} = {value!r} is not a valid git {key} "
                         "name (it must not start with '-' or hold spaces)")
    return value or None


_STAGE = re.compile(r"^(?:remote: )?([A-Za-z][A-Za-z ]+):\s+\d+% \((\d+)/(\d+)\)")


def _follow(stream: IO[str], progress: Progress) -> str:
    """Read git's stderr to the end, reporting each "Writing objects: 40% (2/5)" line."""
    seen: list[str] = []
    for line in _lines(stream):
        seen.append(line)
        found = _STAGE.match(line)
        if found:
            progress(found[1], float(found[2]), float(found[3]))
    return "".join(seen)


def _lines(stream: IO[str]) -> Iterator[str]:
    """Lines as git ends them: progress rewrites its line with \r, the rest ends in \n."""
    buffer = ""
    while chunk := stream.read(256):
        buffer += chunk
        *done, buffer = re.split(r"(?<=[\r\n])", buffer)
        yield from done
    if buffer:
        yield buffer


def repo_top(path: Path) -> Path | None:
    """The top of the work tree ``path`` is in, by looking for .git (no process started)."""
    # .git is a folder, or a file in worktrees and submodules.
    return next((d for d in (path, *path.parents) if (d / ".git").exists()), None)


def run_git(cwd: Path, *args: str,
            timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """One git command outside a publish (``blog init``): no prompts, output captured.

    Local steps get no timeout by default: a slow commit hook must finish, not be killed
    with git's index.lock left behind.
    """
    env = dict(os.environ, **no_prompt_env(None))
    done = spawn(["git", *args], cwd, env, timeout)
    if done.returncode == TIMED_OUT:
        raise GitError(f"`git {command_name(args)}` did not finish within {timeout:g} s")
    return done


def no_prompt_env(ssh_command: str | None) -> dict[str, str]:
    """Environment for every git call publish makes: git fails instead of asking for a
    password on a terminal, and paths are file names, never patterns."""
    env = {
        # A post named `a*.md` must not commit every file matching the pattern.
        "GIT_LITERAL_PATHSPECS": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GCM_INTERACTIVE": "never",
        # An empty GIT_ASKPASS stops git from falling back to SSH_ASKPASS or core.askPass.
        "GIT_ASKPASS": "",
        "SSH_ASKPASS": "",
        "SSH_ASKPASS_REQUIRE": "never",
        # git's messages are matched below: keep them in English, leaving the charset alone.
        "LANGUAGE": "C",
        "LC_MESSAGES": "C",
    }
    base = os.environ.get("GIT_SSH_COMMAND") or ssh_command
    # A GIT_SSH wrapper takes no options, and GIT_SSH_COMMAND would silently replace it.
    if base or not os.environ.get("GIT_SSH"):
        env["GIT_SSH_COMMAND"] = f"{base or 'ssh'} -o BatchMode=yes -o ConnectTimeout=20"
    return env


def remote_lines(stderr: str) -> list[str]:
    """The lines the remote wrote (hooks explain refusals there), credentials removed."""
    lines = re.split(r"[\r\n]+", stderr)
    return [redact(line.rstrip()) for line in lines if line.startswith("remote:")]


def tail(stderr: str, count: int = 6) -> str:
    """The last lines git wrote, redacted, on one line each."""
    lines = [line.strip() for line in redact(stderr).splitlines() if line.strip()]
    return " | ".join(lines[-count:]) or "(no message from git)"


def describe_remote_failure(action: str, target: Target, stderr: str,
                            lines: list[str] | None = None) -> str:
    """A message for a failed fetch or push that says what went wrong and what to do."""
    text = stderr.lower()
    if any(s in text for s in ("authentication", "could not read username", " 401", " 403",
                               "permission denied", "terminal prompts disabled")):
        hint = ("authentication failed (blog never asks for a password): give git a credential "
                "helper, a token or an SSH key for this remote")
    elif any(s in text for s in ("does not appear to be a git repository", "not found",
                                 "no such file", "could not resolve host", "connection refused",
                                 "unable to access")):
        hint = f"the remote is not reachable: check `git remote -v` for {target.remote}"
    elif "timed out" in text:
        hint = "git took too long (blog.toml [publish] timeout); check the network and the remote"
    elif "remote rejected" in text or "declined" in text:
        hint = "the remote refused the push (its reasons are in the remote: lines)"
    elif "rejected" in text:
        hint = "the remote refused the push"
    elif "hung up" in text or "unexpected" in text or "early eof" in text:
        hint = "the connection was cut off by the remote"
    else:
        hint = "git failed"
    shown = "\n".join(lines or [])
    return (f"could not {action} {target.remote} ({target.url}): {hint}.\n"
            f"git said: {tail(stderr)}" + (f"\n{shown}" if shown else ""))


def _hostname() -> str:
    """This machine's name, as in the lock file (os.uname: socket costs ~20 ms to import)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()
