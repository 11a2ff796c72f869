"""`blog publish` / `blog unpublish`: edit only what publishing means, commit only it, push.

Order matters: every check (the post, the repository, the remote) runs before any file is
touched, so a refusal leaves everything as it was; after the commit nothing is rolled back, so a
failed push keeps the work and the same command run again only pushes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogcli import clock
from blogcli.config import PublishTable
from blogcli.errors import BlogError, ContentError, GitError, Interrupted, UsageError
from blogcli.post import Post, load_post, post_slug
from blogcli.publish.plan import (
    Edit,
    apply_edits,
    list_drafts,
    owned_paths,
    plan_publish,
    plan_unpublish,
    replace_if_unchanged,
    select_posts,
    undo_edits,
)
from blogcli.site import MARKDOWN_SUFFIXES, Site, iter_posts

if TYPE_CHECKING:
    import subprocess

    from blogcli.git import GitRepo, Progress, Target

DUPLICATE_RULES = ("duplicate-slug", "duplicate-output")
# The GIL's switch interval while git is asked in a thread (seconds; Python's is 0.005).
SWITCH_INTERVAL = 0.0005
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


@dataclass
class IndexEdit:
    """The plain profile's index.md: the bytes it holds now, and what the commit carries."""

    path: Path
    before: bytes
    after: bytes


@dataclass
class Plan:
    """Everything one publish will do, computed before anything is touched: the dry run
    prints it, the real run executes it (and records the same steps as it goes)."""

    action: str
    posts: list[Post]
    edits: list[Edit]
    paths: list[str]  # what the commit carries, relative to the top of the work tree
    untracked: list[str]  # of those, what `git add` must make known first
    index: IndexEdit | None
    commit: bool  # the commit changes something
    message: str
    target: Target | None
    ahead: int  # local commits not on the remote, as of the last fetch
    unpushed: list[str]
    again: str
    shown: list[str]
    fetched: bool = False  # the fetch ran while planning: ahead and unpushed are fresh
    # git status of ``paths`` while planning, before any edit was written.
    status: list[tuple[str, str]] = field(default_factory=list)

    def steps(self, push_urls_missing: bool = False) -> list[str]:
        """The steps in the order the real run takes them."""
        steps = [f"git fetch {self.target.remote} {self.target.remote_branch}"] \
            if self.target else []
        steps += [self.write_step(e) for e in self.edits]
        if self.index is not None and self.index.after != self.index.before:
            steps.append("write index.md")
        if self.commit and self.untracked:
            steps.append("git add -- " + " ".join(self.untracked))
        if self.commit:
            steps.append(self.commit_step())
        if self.target and (self.commit or self.ahead or push_urls_missing):
            steps.append(self.push_step())
        return steps

    def write_step(self, edit: Edit) -> str:
        moved = f" (moved from {_rel(edit.post.path)})" if edit.moves else ""
        return f"write {_rel(edit.dest)}{moved}"

    def commit_step(self) -> str:
        return f"git commit --only -m {self.message!r} -- {' '.join(self.paths)}"

    def push_step(self) -> str:
        assert self.target is not None
        return (f"git push {self.target.remote} {self.target.branch}:"
                f"{self.target.remote_branch}")


def _rel(path: Path) -> str:
    from blogcli.git import repo_top

    top = repo_top(path.parent) or path.parent
    return Path(os.path.relpath(path, top)).as_posix()


def publish(site: Site, names: list[str], *, unpublish: bool = False, dry_run: bool = False,
            push: bool = True, message: str | None = None, cwd: Path | None = None,
            progress: Progress | None = None, include_unpushed: bool = False,
            say: Callable[[str], None] | None = None,
            planner: Callable[[Post], Edit | None] | None = None,
            keep_date: bool = False) -> Outcome:
    """Publish (or unpublish) the named posts: pre-flight, edit, commit only them, push.

    ``include_unpushed`` lets the push send earlier local commits that are not this publish;
    without it they are a refusal, so nothing the user kept local is published by surprise.
    One blog run at a time changes a repository (.git/blog.lock); the plan is made under the
    lock, so a second run plans on the first one's result.
    ``planner`` plans each post's edit instead of publishing (scheduling uses it).
    ``keep_date``: a draft moved out of the drafts folder keeps its own date (by default it
    is dated with the moment of publishing, name and front matter, as jekyll-compose does).
    """
    repo = _open_repo(site, site.config.publish)
    if dry_run:
        plan = make_plan(site, repo, names, unpublish=unpublish, push=push, message=message,
                         cwd=cwd or Path.cwd(), planner=planner, keep_date=keep_date)
        return _dry_run(site, repo, plan, include_unpushed)
    with _signals_raise(), repo.lock(site.config.publish.timeout, say):
        try:
            plan = make_plan(site, repo, names, unpublish=unpublish, push=push,
                             message=message, cwd=cwd or Path.cwd(), planner=planner,
                             keep_date=keep_date, fetch=True)
        except KeyboardInterrupt:
            raise Interrupted("interrupted before anything was changed") from None
        return execute(site, repo, plan, progress=progress, include_unpushed=include_unpushed)


def make_plan(site: Site, repo: GitRepo, names: list[str], *, unpublish: bool, push: bool,
              message: str | None, cwd: Path,
              planner: Callable[[Post], Edit | None] | None = None,
              keep_date: bool = False, fetch: bool = False) -> Plan:
    """Read the posts and the repository and decide every step; touch nothing.

    What git must say (the fetch when ``fetch``, identity, ignored files, status) is asked
    in a thread while the pre-flight check runs here; its refusals are raised after the
    check's, in the order the steps would meet them, and all before any file is touched.
    """
    action = "unpublish" if unpublish else "publish"
    settings = site.config.publish
    try:
        branch = repo.check_state()
        target = repo.target(branch, settings) if push else None
        # The fetch starts first, before the posts are even read: it overlaps everything.
        survey = _Survey(site, repo, target, fetch=fetch)
    except BlogError as err:  # said after the check, as before: content problems come first
        survey = _Survey(site, repo, None, fetch=False, failed=err)
    try:
        posts = select_posts(site, names, cwd)
        key = "unpublish_message" if unpublish else "message"
        source = "--message" if message else f"blog.toml [publish] {key}"
        template = message or getattr(settings, key) or DEFAULT_MESSAGES[action]
        now = clock.now()
        edits = [e for p in posts if (e := planner(p) if planner else plan_unpublish(site, p)
                                      if unpublish else plan_publish(site, p, now,
                                                                     settings.set_date,
                                                                     keep_date))]
        survey.ask(owned_paths(site, repo, posts, edits), {post_slug(p.path, {}) for p in posts},
                   need_config=push and not unpublish,
                   need_tracked=any(e.moves for e in edits))
        # A copy an interrupted move left duplicates its draft; it is ours, not a conflict.
        own = {e.post.rel: site.rel(e.dest) for e in edits if e.moves and e.dest.exists()}
        preflight_posts(site, posts, strict=not unpublish, own_copies=own)
        commit_message_text = commit_message(template, posts, source)
        paths, status, tracked = survey.result()
        index = plan_index(site, repo, edits, status)
    except BaseException:
        survey.stop()  # no git of ours outlives the plan, whatever stopped it
        raise
    # After a move the old path is gone: messages and the command to run again name where
    # the posts are now.
    moved = {e.post.path: site.rel(e.dest) for e in edits}
    shown = [moved.get(p.path, p.rel) for p in posts]
    again = " ".join(["blog", action, *shown])
    if index is not None:
        paths.append(repo.rel(index.path))
    else:  # asked about in case it was edited: not part of this commit after all
        status = [(xy, p) for xy, p in status if p not in survey.extra]
        tracked -= set(survey.extra)
    untracked = [p for xy, p in status if xy == "??"
                 and p not in {repo.rel(e.post.path) for e in edits if e.moves}]
    untracked += [repo.rel(e.dest) for e in edits if e.moves and repo.rel(e.dest) not in tracked
                  and repo.rel(e.dest) not in untracked]
    commit = bool(edits) or bool(status)
    target = survey.target
    ahead, unpushed = 0, []
    if target is not None:
        ahead = _behind_refusal(target, *survey.fetched) if survey.fetched else \
            len(survey.unpushed)
        unpushed = _unrelated(repo, survey.unpushed, paths, site)
    return Plan(action, posts, edits, paths, untracked, index, commit, commit_message_text,
                target, ahead, unpushed, again, shown, fetched=survey.fetched is not None,
                status=status)


class _Survey:
    """What git says about the repository and the plan's paths, asked in a thread (git runs
    in processes of its own, so the fetch and the queries overlap the pre-flight check)."""

    def __init__(self, site: Site, repo: GitRepo, target: Target | None, fetch: bool,
                 failed: BlogError | None = None) -> None:
        self.site, self.repo, self.target = site, repo, target
        self.paths: list[str] = []
        self.slugs: set[str] = set()
        self.extra: list[str] = []
        self.need_config = False
        self.need_tracked = True
        self.status: list[tuple[str, str]] = []
        self.tracked: set[str] = set()
        self.fetched: tuple[int, int] | None = None
        self.fetch_failed: GitError | None = None  # raised after the local refusals
        self.unpushed: list[tuple[str, list[str]]] = []
        self.error: BaseException | None = failed
        self._asked = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(fetch,), name="blog-git")
        self._interval: float | None = None  # the switch interval to put back
        if failed is None:  # nothing to ask git: its refusal is said after the check
            # The check holds the GIL for tens of milliseconds: each time a git process of
            # this thread ends, the thread waited up to the interval (5 ms) to take it back,
            # several times a process. Handed over sooner, git's steps stay off the path.
            self._interval = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL)
            self._thread.start()

    def ask(self, paths: list[str], slugs: set[str], need_config: bool,
            need_tracked: bool = True) -> None:
        """The plan's paths (and its posts' slugs) are known: ask git about them.
        ``need_tracked``: which are tracked matters (only a move's new file may be tracked
        and unchanged, so that `git status` does not name it)."""
        index = self.site.root / "index.md"
        # The plain profile's index.md may join the commit: asked about with the rest.
        self.extra = [self.repo.rel(index)] if self.site.profile == "plain" and \
            index.is_file() and self.repo.rel(index) not in paths else []
        self.paths, self.slugs, self.need_config = paths, slugs, need_config
        self.need_tracked = need_tracked
        self._asked.set()

    def _run(self, fetch: bool) -> None:
        try:
            self._ask(fetch)
        except BaseException as err:  # handed to the main thread, which raises it
            self.error = err

    def _ask(self, fetch: bool) -> None:
        repo, target, site = self.repo, self.target, self.site
        identity = self._ask_at_once(target if fetch else None)
        self._asked.wait()
        self._go_on()
        repo.check_identity(identity)
        self._go_on()
        self.paths += [p for p in _left_by_a_move(site, repo) if p not in self.paths
                       and post_slug(Path(p), {}) in self.slugs]
        self._go_on()
        _refuse_in_submodule(repo, self.paths)
        # Whether git ignores a file that is there, its status says (!!): one git process
        # answers both. check-ignore is asked only of the rest (a folder, a move's new file)
        # and, when a file is ignored, for the rule to name.
        there = {p for p in self.paths if (repo.top / p).is_file()}
        _refuse_ignored(repo, [p for p in self.paths if p not in there])
        self._go_on()
        asked = [*self.paths, *self.extra]
        # The status runs while the config and the tracked files are asked (git's time, side
        # by side); what each refuses is said in the order the steps used to meet them.
        missing, started = [], repo.start_status(asked, ignored=True)
        try:
            if self.need_config:
                from blogcli.create.site import untracked_site_config

                # A host building what is pushed needs the engine's config.
                missing = untracked_site_config(site.root, site.profile)
            # Which are tracked matters only to a move's new file (else one git process less).
            self.tracked = repo.tracked(asked) if self.need_tracked else set()
        except BaseException:
            from blogcli.git import stop

            with started as proc:  # git stopped gently, its pipes closed
                stop(proc)
            raise
        status = repo.status(asked, ignored=True, started=started)
        _refuse_ignored(repo, self.paths, [p for xy, p in status if xy == "!!" and p in there])
        self.status = [(xy, p) for xy, p in status if xy != "!!"]
        self._go_on()
        if missing:  # refused before a write
            from blogcli.create.site import untracked_config_message

            raise GitError(untracked_config_message(site.root, missing))
        self._go_on()
        if self.fetch_failed is not None:  # said after the local refusals, as before
            raise self.fetch_failed
        if target is not None:
            self.unpushed = repo.unpushed(target)

    def _ask_at_once(self, target: Target | None) -> list[subprocess.CompletedProcess[str]]:
        """What does not hang on the plan: the fetch first (with ``target``: the network is
        the slowest step), then side by side with the log that follows it, who commits and
        where the push goes (remembered for the checks after it); what `git var` said about
        who commits. Each step waits for the one before it in git's time, not in the wait
        for the GIL between them, which the check holds most of the time."""
        from blogcli.git import spawn_together

        repo = self.repo
        quick = repo.identity_commands()
        if target is None:
            return spawn_together(quick, repo.top, repo.env)
        quick.append(repo.push_urls_command(target.remote))
        try:
            self.fetched = repo.fetch_behind(target, along=quick)
        except GitError as err:
            self.fetch_failed = err
        answers = repo.along_answers or spawn_together(quick, repo.top, repo.env)
        repo.remember_push_urls(target.remote, answers[-1])
        return answers[:2]

    def result(self) -> tuple[list[str], list[tuple[str, str]], set[str]]:
        """The paths the commit carries, their status and which are tracked; raises what git
        refused."""
        self.wait()
        if self.error is not None:
            raise self.error
        return list(self.paths), list(self.status), set(self.tracked)

    def wait(self) -> None:
        if self._thread.is_alive():
            self._thread.join()
        if self._interval is not None:
            sys.setswitchinterval(self._interval)
            self._interval = None

    def stop(self) -> None:
        """Let the git step under way finish (killing git may leave its locks) and start no
        other; then return."""
        self._stopping.set()
        self._asked.set()
        self.wait()

    def _go_on(self) -> None:
        """Between git steps: stop when the plan was abandoned (an interrupt, a refusal)."""
        if self._stopping.is_set():
            raise Interrupted("stopped")


def _left_by_a_move(site: Site, repo: GitRepo) -> list[str]:
    """Files an interrupted drafts-folder move deleted but did not commit (the draft after a
    publish, the post after an unpublish): the commit must carry their deletion too. The
    caller keeps those of its own posts (by slug)."""
    if site.drafts_dir is None:
        return []
    folders = [repo.rel(d) for d in (site.posts_dir, site.drafts_dir) if d.exists()]
    return repo.deleted(folders)


def _refuse_in_submodule(repo: GitRepo, paths: list[str]) -> None:
    """Refuse (exit 3) paths in a submodule: a commit here would not hold the edit."""
    for rel in paths:
        path = repo.top / rel
        for folder in path.parents:
            if folder == repo.top or not folder.is_relative_to(repo.top):
                break
            if (folder / ".git").exists():
                raise GitError(f"{rel} is inside the git submodule {repo.rel(folder)}: a commit "
                               f"here would record only the submodule's commit, not this edit; "
                               f"nothing was changed. Publish from inside {repo.rel(folder)} "
                               "(commit and push there), then commit the submodule here")


def _refuse_ignored(repo: GitRepo, paths: list[str], seen: list[str] | None = None) -> None:
    """Refuse (exit 3) the first of ``paths`` git ignores, with its rule: it would never be
    committed. ``seen``: those `git status` already showed ignored (refused even if
    check-ignore then names no rule). Nothing is asked when neither is given."""
    if not paths or (seen is not None and not seen):
        return
    for rel, rule in repo.ignored(paths):
        raise GitError(f"{rel} is ignored by git ({rule}), so it would never be committed; "
                       "nothing was changed. Remove that rule (or add `!` + the path after "
                       "it), then publish again")
    if seen:
        raise GitError(f"{seen[0]} is ignored by git, so it would never be committed; nothing "
                       "was changed. Remove the rule that ignores it, then publish again")


def plan_index(site: Site, repo: GitRepo, edits: list[Edit],
               status: list[tuple[str, str]] | None = None) -> IndexEdit | None:
    """The plain profile's index.md as it will be once the edits are made, or None.

    Only a plain blog that has an index.md gets it rewritten, and one with uncommitted edits
    of the user's (or an untracked one) is left alone: publishing never overwrites their work.
    ``status``: git's answer for it, when already asked.
    An uncommitted index.md that is exactly the page publish would write is publish's own (a
    run whose commit failed wrote it): it is committed, not left dirty for good.
    """
    path = site.root / "index.md"
    if site.profile != "plain" or not path.is_file():
        return None

    from blogcli.listing.records import (
        Listing,
        PostRecord,
        analyse_file,
        collect,
        sort_newest_first,
        status_of,
        text_options,
    )
    from blogcli.listing.view import index_markdown

    now = clock.now()
    edited = {e.post.rel for e in edits} | {site.rel(e.dest) for e in edits}
    records = [r for r in collect(site, drafts=True, now=now).records if r.path not in edited]
    options = text_options(site)
    for edit in edits:
        value = analyse_file(site, options, site.rel(edit.dest), edit.after)
        if "problem" not in value:
            fields = {k: value[k] for k in PostRecord.__dataclass_fields__ if k != "status"}
            records.append(PostRecord(status=status_of(value, now, clock.site_zone(site)),
                                      **fields))
    data = index_markdown(site, Listing(sort_newest_first(records))).encode("utf-8")
    before = path.read_bytes()
    rel = repo.rel(path)
    changed = repo.is_changed(rel) if status is None else any(p == rel for _, p in status)
    if before == data:
        return IndexEdit(path, before, data) if changed else None
    if changed:
        return None
    return IndexEdit(path, before, data)


def execute(site: Site, repo: GitRepo, plan: Plan, *, progress: Progress | None,
            include_unpushed: bool) -> Outcome:
    """Carry out ``plan``, recording each step as it is taken."""
    outcome = Outcome(plan.action, plan.shown, files=plan.paths, message=plan.message,
                      no_push=plan.target is None)
    target = plan.target
    try:
        return _execute(site, repo, plan, outcome, progress, include_unpushed)
    except KeyboardInterrupt:
        done = "; ".join(outcome.steps) or "nothing"
        left = [s for s in plan.steps(True) if s not in outcome.steps]
        raise Interrupted(f"interrupted. Done: {done}. Left: {'; '.join(left) or 'nothing'}. "
                          f"Run `{plan.again}` to finish"
                          + (f" (it pushes to {target.remote})" if target else "")) from None


def _execute(site: Site, repo: GitRepo, plan: Plan, outcome: Outcome,
             progress: Progress | None, include_unpushed: bool) -> Outcome:
    target = plan.target
    ahead, missing = plan.ahead, False
    if target is not None:
        outcome.steps.append(plan.steps()[0])
        if plan.fetched:
            outcome.unpushed = plan.unpushed
        else:
            ahead = _fetch(repo, target)
            outcome.unpushed = _unrelated(repo, repo.unpushed(target), plan.paths, site)
        if outcome.unpushed and not include_unpushed:
            raise GitError(_unpushed_refusal(target, outcome.unpushed, plan.again))
        if not plan.commit and not ahead and len(repo.push_urls(target.remote)) > 1:
            # One push URL may have been missed by an earlier run (git updates the tracking
            # ref after the first).
            missing = bool(repo.missing_on(target, repo.head()))
    apply_edits(plan.edits)
    outcome.steps += [plan.write_step(e) for e in plan.edits]
    index = plan.index
    if index is not None and index.after != index.before:
        try:
            replace_if_unchanged(index.path, index.before, index.path, index.after)
        except (OSError, BlogError) as err:
            undo_edits(plan.edits, set())
            why = str(err) if isinstance(err, BlogError) else f"{err.strerror or err}"
            raise ContentError(f"index.md could not be written ({why}); nothing was "
                               "changed. Publish again") from None
        outcome.steps.append("write index.md")
    if plan.commit:
        _commit(repo, plan, outcome)
    outcome.committed = outcome.commit is not None
    if target is None or (outcome.commit is None and ahead == 0 and not missing):
        outcome.nothing_to_do = outcome.commit is None
        return outcome
    outcome.steps.append(plan.push_step())
    return _push(repo, target, outcome, progress, plan.again)


def _commit(repo: GitRepo, plan: Plan, outcome: Outcome) -> None:
    """Add, commit, and prove the commit holds only the plan's files (a hook may add more)."""
    index = repo.read_index()
    try:
        status = _status_now(repo, plan)
        if plan.untracked:
            outcome.steps.append("git add -- " + " ".join(plan.untracked))
        made = repo.commit_only_files(plan.paths, plan.message, status)
    except GitError as err:
        raise GitError(f"{err}\nThe edited files are kept in the work tree, not committed. "
                       f"Fix the problem, then run `{plan.again}` again.") from None
    outcome.steps.append(plan.commit_step())
    if made is None:
        return
    outcome.commit, files = made
    extra = [f for f in files
             if not any(f == p or f.startswith(p.rstrip("/") + "/") for p in plan.paths)]
    if extra:
        # HEAD before the commit is its parent (none for a first commit): asked only here.
        parent = repo.run("rev-parse", "--verify", "--quiet", f"{outcome.commit}^", check=False)
        repo.undo_commit(parent.stdout.strip() or None, outcome.commit, index)
        listed = ", ".join(extra[:10]) + (f" and {len(extra) - 10} more" if len(extra) > 10
                                          else "")
        raise GitError(f"a git hook added {listed} to the commit (blog commits only "
                       f"{', '.join(plan.paths)}); the commit was undone and nothing was "
                       "pushed. Your edit is kept in the work tree and your other changes are "
                       "as they were. Check the pre-commit hook (it must not `git add` other "
                       f"files), then run `{plan.again}` again")


def _status_now(repo: GitRepo, plan: Plan) -> list[tuple[str, str]]:
    """git status of the plan's paths now that its edits are written.

    When every edit wrote a file git did not know while planning (a new draft, the usual
    case) and nothing moved and index.md is not rewritten, writing changed no entry: each
    written file is still untracked, and no other file was touched. The status asked while
    planning is then the answer, and the commit goes one git process sooner (the plain git
    steps ask status once too). Otherwise git is asked again.
    """
    before = dict((p, xy) for xy, p in plan.status)
    if plan.edits and plan.index is None and all(
            not e.moves and before.get(repo.rel(e.dest)) == "??" for e in plan.edits):
        return list(plan.status)
    return repo.status(plan.paths)


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGTERM (and SIGHUP) raise KeyboardInterrupt while publishing, as Ctrl-C does, so a
    half-written temporary file is removed and git is stopped gently, never mid-lock."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    wanted = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
    saved = {sig: signal.signal(sig, interrupt) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _open_repo(site: Site, settings: PublishTable) -> GitRepo:
    from blogcli.git import GitRepo

    return GitRepo(site.root, timeout=settings.timeout)


def _unrelated(repo: GitRepo, commits: list[tuple[str, list[str]]], paths: list[str],
               site: Site) -> list[str]:
    """Of the local ``commits`` the push would send, those that touch more than these posts'
    own files (a commit of only them is an earlier run of this publish whose push failed)."""
    own = [*paths, *([repo.rel(site.root / "index.md")] if site.profile == "plain" else [])]
    moved = _moved_slugs(site, repo, paths)
    return [commit for commit, files in commits
            if not files or not all(any(f == p or f.startswith(p.rstrip("/") + "/")
                                        for p in own) or _moved(f, moved) for f in files)]


def _moved_slugs(site: Site, repo: GitRepo, paths: list[str]) -> tuple[list[str], set[str]]:
    """The drafts and posts folders, and the slugs of ``paths`` in them: a commit of an
    earlier, interrupted run of this publish deleted the post's other copy (a dated move
    changes the file, so git shows a deletion and an addition, not a rename)."""
    if site.drafts_dir is None:
        return [], set()
    folders = [repo.rel(d).rstrip("/") + "/" for d in (site.posts_dir, site.drafts_dir)]
    return folders, {post_slug(Path(p), {}) for p in paths
                     if p.startswith(tuple(folders)) and p.endswith(MARKDOWN_SUFFIXES)}


def _moved(rel: str, moved: tuple[list[str], set[str]]) -> bool:
    folders, slugs = moved
    return bool(slugs) and rel.startswith(tuple(folders)) and post_slug(Path(rel), {}) in slugs


def _unpushed_refusal(target: Target, commits: list[str], again: str) -> str:
    where = f"{target.remote}/{target.remote_branch}"
    count = f"{len(commits)} commit{'s' if len(commits) != 1 else ''}"
    listed = "\n".join(f"  {c}" for c in commits)
    return (f"{target.branch} has {count} not on {where} that the push would publish too:\n"
            f"{listed}\nNothing was changed. Push them first (`git push {target.remote} "
            f"{target.branch}:{target.remote_branch}`), or run `{again} --include-unpushed` "
            "to publish them with the post")


def _fetch(repo: GitRepo, target: Target) -> int:
    return _behind_refusal(target, *repo.fetch_behind(target))


def _behind_refusal(target: Target, ahead: int, behind: int) -> int:
    """Refuse when the remote moved on (someone pushed first); else how far ahead we are."""
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


def _dry_run(site: Site, repo: GitRepo, plan: Plan, include_unpushed: bool) -> Outcome:
    """The plan as the real run would execute it, with the whole diff its commit carries."""
    outcome = Outcome(plan.action, plan.shown, files=plan.paths, message=plan.message,
                      dry_run=True, no_push=plan.target is None, unpushed=plan.unpushed)
    outcome.steps = plan.steps()
    if not plan.commit and not plan.ahead:
        outcome.nothing_to_do = True
        return outcome
    outcome.diffs = commit_diffs(repo, plan)
    target = plan.target
    if target is not None:
        outcome.remote_url = target.url
        outcome.pushed = f"{target.remote}/{target.remote_branch}"
        if plan.unpushed:  # as of the last fetch: the dry run does not fetch
            outcome.steps.append("  the push would also publish these local commits"
                                 + ("" if include_unpushed else
                                    " (refused without --include-unpushed)") + ":")
            outcome.steps += [f"    {c}" for c in plan.unpushed]
    return outcome


def commit_diffs(repo: GitRepo, plan: Plan) -> list[str]:
    """One unified diff per file the commit changes: HEAD against what the commit holds."""
    import difflib

    planned: dict[str, bytes | None] = {}
    for edit in plan.edits:
        planned[repo.rel(edit.dest)] = edit.after
        if edit.moves:
            planned[repo.rel(edit.post.path)] = None
    if plan.index is not None:
        planned[repo.rel(plan.index.path)] = plan.index.after
    for _, rel in repo.status(plan.paths):
        if rel not in planned:
            path = repo.top / rel
            planned[rel] = path.read_bytes() if path.is_file() else None
    diffs: list[str] = []
    for rel, new in planned.items():
        old = repo.show("HEAD", rel)
        if old == new:
            continue
        if b"\0" in (old or b"")[:8000] or b"\0" in (new or b"")[:8000]:
            diffs.append(f"Binary file {rel} differs\n")
            continue
        diffs.append("".join(difflib.unified_diff(
            (old or b"").decode("utf-8", "replace").splitlines(keepends=True),
            (new or b"").decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=f"a/{rel}" if old is not None else "/dev/null",
            tofile=f"b/{rel}" if new is not None else "/dev/null")))
    return diffs
