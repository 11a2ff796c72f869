"""`blog check --fix`: mechanical, safe fixes, every other byte of every file kept.

Front matter is edited through the byte-exact path publish uses (blogcli/frontmatter_edit.py,
which re-parses and proves only the intended keys changed). Body edits replace a link target
at the exact place the link scanner found it, and the scanner skips code spans, code blocks
and engine highlight blocks, so code is never touched; the edited file is scanned again and
kept only if its links are exactly the old ones with the new targets.

What is fixed:
- a web link that moved permanently (``external-redirect``) -> its final URL (``--external``);
- ``http://`` -> ``https://`` where the https address answers 2xx as well (``--external``);
- a root-absolute link to an alias a moved page left -> the page's own URL;
- ``tags``/``categories`` written as a string -> a list, read as the engine reads the string;
- a ``date`` without a zone -> the site's zone (the engine's configured one, else what the
  engine assumes: UTC for Hugo and Zola, this machine's zone for the others);
- a key typo (``tittle``) -> the key.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from blogcli.check.facts import TAXONOMIES, scan_bytes, suggest_key
from blogcli.check.findings import CheckResult, Finding
from blogcli.check.scan import collect_facts
from blogcli.errors import BlogError, UsageError, WriteError
from blogcli.files import read_file, write_file
from blogcli.frontmatter_edit import FrontMatterEdit
from blogcli.permalinks import base_path, normalize, page_urls
from blogcli.post import PostError, parse_date, parse_post
from blogcli.site import Site, iter_post_files
from blogcli.web.result import Status, UrlResult
from blogcli.web.settings import Settings
from blogcli.web.urls import redact_url

FRONT_MATTER_RULES = ("tags-string", "date-no-zone", "key-typo")
LINK_KINDS = ("link", "image", "html", "definition", "bare_url")


@dataclass(frozen=True)
class Fix:
    """One change, said as ``posts/a.md:7: <what>``."""

    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


@dataclass(frozen=True)
class Edit:
    """A link target to replace at its place in the file (1-based line and column)."""

    line: int
    column: int
    old: str
    new: str
    why: str
    kind: str = "link"


@dataclass
class FixPlan:
    fixes: list[Fix] = field(default_factory=list)
    unfixed: list[tuple[Finding | Fix, str]] = field(default_factory=list)  # and why not
    files: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)  # rel -> (old, new)

    def diff(self) -> str:
        """A unified diff of every file the fixes change."""
        out: list[str] = []
        for rel, (old, new) in sorted(self.files.items()):
            out.extend(difflib.unified_diff(
                old.decode("utf-8", "replace").splitlines(keepends=True),
                new.decode("utf-8", "replace").splitlines(keepends=True),
                f"a/{rel}", f"b/{rel}"))
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                       for line in out)

    def remaining(self, result: CheckResult) -> list[Finding]:
        """The findings the fixes leave standing."""
        done = {(f.path, f.line) for f in self.fixes}
        fixable = {"external-redirect", *FRONT_MATTER_RULES}
        return [f for f in result.findings if not (f.rule in fixable and (f.path, f.line) in done)]


def plan_fixes(site: Site, result: CheckResult, settings: Settings | None,
               only: list[str] | None = None) -> FixPlan:
    """Every fix for the files checked (``only``: their site-relative paths; None: all posts).

    ``settings``: the --external settings, for the fixes that need the web (None: skipped).
    Nothing is written; ``apply_fixes`` does that.
    """
    posts = [site.rel(Path(p)) for p in iter_post_files(site)]
    if only is not None:  # folders named on the command line: the posts in them
        folders = [rel.rstrip("/") + "/" for rel in only if (site.root / rel).is_dir()]
        only = [*only, *(p for p in posts if any(p.startswith(f) or f == "./" for f in folders))]
    files = sorted(set(only if only is not None else posts) | {f.path for f in result.findings})
    files = [rel for rel in files if rel.endswith((".md", ".markdown", ".mdown", ".mkd"))]
    facts = collect_facts(site, sorted(set(posts) | set(files)))
    edits: dict[str, list[Edit]] = {}
    plan = FixPlan()
    web = result.external.results if result.external is not None else {}
    upgrade = _https_answers(web, settings) if settings is not None else {}
    _redirects(result, web, upgrade, edits, plan, facts)
    _https(files, facts, upgrade, edits)
    _aliases(site, files, facts, posts, edits)
    fm_findings: dict[str, list[Finding]] = {}
    for finding in result.findings:
        if finding.rule in FRONT_MATTER_RULES:
            fm_findings.setdefault(finding.path, []).append(finding)
    for rel in sorted(set(edits) | set(fm_findings)):
        _plan_file(site, rel, edits.get(rel, []), fm_findings.get(rel, []), plan)
    return plan


def apply_fixes(site: Site, plan: FixPlan) -> None:
    """Write each changed file atomically, unless it changed since it was read."""
    for rel, (old, new) in sorted(plan.files.items()):
        path = site.root / rel
        try:
            now, _ = read_file(path)
        except OSError as err:
            raise WriteError(f"cannot read {rel} again ({err.strerror}); not fixed") from None
        if now != old:
            raise WriteError(f"{rel} changed while it was checked; run blog check --fix again")
        write_file(path, new, shown=rel)


# --- what to change ------------------------------------------------------------------------


def _redirects(result: CheckResult, web: dict[str, UrlResult], upgrade: dict[str, str],
               edits: dict[str, list[Edit]], plan: FixPlan,
               facts: dict[str, dict[str, Any]]) -> None:
    """Links that moved for good -> where they went (its https address when that answers)."""
    kinds = {(rel, line, column): kind for rel, fact in facts.items()
             for _, line, column, kind in fact.get("links") or []}
    for finding in result.findings:
        if finding.rule != "external-redirect" or finding.target is None:
            continue
        found = web.get(finding.target.strip())
        new = _final_url(finding.target.strip(), found)
        if new is not None:
            page, hash_, fragment = new.partition("#")
            new = upgrade.get(page, page) + hash_ + fragment
        if new is None:
            plan.unfixed.append((finding, "the link holds credentials or a signature"))
            continue
        edits.setdefault(finding.path, []).append(Edit(
            finding.line, finding.column, finding.target.strip(), new, "moved permanently",
            kinds.get((finding.path, finding.line, finding.column), "link")))


def _final_url(old: str, found: UrlResult | None) -> str | None:
    if found is None or found.status is not Status.REDIRECT or not found.new_url:
        return None
    if redact_url(old) != old:
        return None  # the new URL was stored without them; writing it would lose them
    fragment = old.partition("#")[2]
    return found.new_url + (f"#{fragment}" if fragment and "#" not in found.new_url else "")


def _https_answers(web: dict[str, UrlResult], settings: Settings) -> dict[str, str]:
    """``http://`` pages that answered (or that a link moved to) -> their https address,
    where that answers 2xx too, without a redirect."""
    from blogcli.web.checker import check_urls

    pages = {url.partition("#")[0] for url, found in web.items() if found.status is Status.OK}
    pages |= {found.new_url.partition("#")[0] for found in web.values()
              if found.status is Status.REDIRECT and found.new_url}
    wanted = {page: "https://" + page[len("http://"):] for page in pages
              if page.lower().startswith("http://") and redact_url(page) == page}
    if not wanted:
        return {}
    answers = check_urls(wanted.values(), settings.with_options(check_anchors=False)).results
    return {page: https for page, https in wanted.items()
            if (found := answers.get(https)) is not None and found.status is Status.OK}


def _https(files: list[str], facts: dict[str, dict[str, Any]], upgrade: dict[str, str],
           edits: dict[str, list[Edit]]) -> None:
    """Each ``http://`` link whose page has a working https address."""
    for rel in files:
        for target, line, column, kind in facts.get(rel, {}).get("links") or []:
            page, hash_, fragment = target.strip().partition("#")
            if kind in LINK_KINDS and page in upgrade:
                edits.setdefault(rel, []).append(Edit(
                    line, column, target.strip(), upgrade[page] + hash_ + fragment,
                    "https answers the same", kind))


def _aliases(site: Site, files: list[str], facts: dict[str, dict[str, Any]], posts: list[str],
             edits: dict[str, list[Edit]]) -> None:
    """Root-absolute links to an alias (``aliases``, ``redirect_from``) -> the page's URL."""
    own: dict[str, str] = {}
    moved: dict[str, str] = {}
    for rel in posts:
        fact = facts.get(rel)
        if not fact or fact.get("error"):
            continue
        urls = page_urls(site, rel, fact["meta"], fact["slug"])
        if urls:
            own[normalize(urls[0])] = urls[0]
            moved.update({normalize(alias): urls[0] for alias in urls[1:]})
    moved = {alias: url for alias, url in moved.items() if alias not in own}
    base = base_path(site)
    prefix = f"/{base}" if base else ""
    for rel in files:
        for target, line, column, kind in facts.get(rel, {}).get("links") or []:
            path, hash_, fragment = target.strip().partition("#")
            if kind not in LINK_KINDS or not path.startswith("/") or path.startswith("//"):
                continue
            clean = path[len(prefix):] if prefix and path.startswith(prefix + "/") else path
            new = moved.get(normalize(clean))
            if new is None or any((folder / clean.lstrip("/")).exists()
                                  for folder in site.static_dirs):
                continue
            edits.setdefault(rel, []).append(Edit(
                line, column, target.strip(), f"{prefix}{new}{hash_}{fragment}",
                "the page moved; this address is its alias", kind))


# --- changing one file ---------------------------------------------------------------------


def _plan_file(site: Site, rel: str, edits: list[Edit], findings: list[Finding],
               plan: FixPlan) -> None:
    try:
        old, _ = read_file(site.root / rel)
    except OSError:
        return  # reported by the check as file-unreadable
    raw = old
    if edits:
        raw = _edit_body(site, rel, raw, edits, plan)
    for finding in sorted(findings, key=lambda f: (f.line, f.rule)):
        raw = _edit_front_matter(site, rel, raw, finding, plan)
    if raw != old:
        plan.files[rel] = (old, raw)


def _edit_body(site: Site, rel: str, raw: bytes, edits: list[Edit], plan: FixPlan) -> bytes:
    """Replace each target at its place, last first, keeping an edit only if the file then
    scans to the same links with just that target changed."""
    bom = raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig" if bom else "utf-8").split("\n")
    path = site.root / rel
    before = scan_bytes(site, path, rel, raw)
    if before.get("error"):
        return raw
    done: list[Edit] = []
    unique = {(e.line, e.column): e for e in edits}  # a link may qualify twice: fix it once
    for edit in sorted(unique.values(), key=lambda e: (e.line, e.column), reverse=True):
        row, start = edit.line - 1, edit.column - 1
        if row >= len(lines) or not _written_here(lines[row], start, edit):
            continue  # a reference-style use: its definition is the place to fix
        line = lines[row]
        lines[row] = line[:start] + edit.new + line[start + len(edit.old):]
        new = _encode(lines, bom)
        after = scan_bytes(site, path, rel, new)
        if after.get("error") or not _same_links(before["links"], after["links"], [*done, edit],
                                                 before.get("repeats"), after.get("repeats")):
            lines[row] = line
            plan.unfixed.append((Fix(rel, edit.line, f"{edit.old} -> {edit.new}"),
                                 "the edited file would not read the same; edit it by hand"))
            continue
        done.append(edit)
    plan.fixes.extend(Fix(rel, e.line, f"{e.old} -> {e.new} ({e.why})") for e in reversed(done))
    return _encode(lines, bom) if done else raw


# What may follow a link target where it is written: the end of ``(url)``, ``<url>``, a
# title, a definition's end, an attribute's quote; a bare address may end a sentence.
_ENDS = frozenset(")>\"' \t\r]")
_BARE_ENDS = frozenset(".,;:!?*_~")


def _written_here(line: str, start: int, edit: Edit) -> bool:
    if line[start:start + len(edit.old)] != edit.old:
        return False
    following = line[start + len(edit.old):start + len(edit.old) + 1]
    return not following or following in _ENDS or (edit.kind == "bare_url"
                                                    and following in _BARE_ENDS)


def _encode(lines: list[str], bom: bool) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + "\n".join(lines).encode("utf-8")


def _same_links(before: list[list[Any]], after: list[list[Any]], done: list[Edit],
                before_repeats: list[list[Any]] | None = None,
                after_repeats: list[list[Any]] | None = None) -> bool:
    """``after`` is ``before`` with the targets of ``done`` replaced.

    The uses of an edited reference definition (``[text][r]``) are left out on both sides:
    they take the definition's target, and the scanner lists them only when that text
    also appears in their paragraph. Past 100 links to one target the scanner only counts
    them (``repeats``), and an edit moves the next of them into the list: there, each
    target's count is compared, not the order.
    """
    replaced = {(e.line, e.column): e.new for e in done}
    uses = {t for e in done if e.kind == "definition" for t in (e.old, e.new)}
    wanted = [(replaced.get((line, column), target), kind)
              for target, line, column, kind in before if not (kind == "link" and target in uses)]
    found = [(target, kind) for target, _, _, kind in after
             if not (kind == "link" and target in uses)]
    if not before_repeats and not after_repeats:
        return wanted == found
    counts = [Counter(links) for links in (wanted, found)]
    for count, repeats in zip(counts, (before_repeats or [], after_repeats or []), strict=True):
        for target, _, _, kind, more in repeats:
            if not (kind == "link" and target in uses):
                count[target, kind] += more
    return counts[0] == counts[1]


def _edit_front_matter(site: Site, rel: str, raw: bytes, finding: Finding,
                       plan: FixPlan) -> bytes:
    """One front-matter fix for ``finding``, through the byte-exact edit path."""
    try:
        post = parse_post(raw, site.root / rel, rel, site)
        edit = FrontMatterEdit(raw, rel, site=site)
        what = _front_matter_change(site, post.meta, edit, finding)
        if what is None:
            return raw
        new = edit.result()
    except (BlogError, PostError) as err:
        plan.unfixed.append((finding, str(err).removeprefix(f"{rel}: ")))
        return raw
    except _Unfixable as why:
        plan.unfixed.append((finding, str(why)))
        return raw
    plan.fixes.append(Fix(rel, finding.line, what))
    return new


class _Unfixable(Exception):
    """Why a fixable-looking finding is left alone."""


def _front_matter_change(site: Site, meta: dict[str, Any], edit: FrontMatterEdit,
                         finding: Finding) -> str | None:
    if finding.rule == "key-typo":
        for key in meta:
            suggestion = suggest_key(str(key))
            if suggestion is not None and f"{key!r}" in finding.message:
                if suggestion in meta:
                    raise _Unfixable(f"both {key!r} and {suggestion!r} are set; keep one by hand")
                edit.rename_key(str(key), suggestion)
                return f"key {key!r} -> {suggestion!r}"
        return None
    if finding.rule == "tags-string":
        for key in TAXONOMIES:
            if isinstance(meta.get(key), str) and finding.message.startswith(f"{key} is"):
                items = _terms(site, meta[key])
                edit.set_list(key, items)
                return f"{key}: {meta[key]!r} -> {items!r}"
        raise _Unfixable("only top-level tags and categories are fixed")
    if finding.rule == "date-no-zone":
        naive = parse_date(meta.get("date"))
        if not isinstance(naive, datetime) or naive.tzinfo is not None:
            return None
        zoned = _in_site_zone(site, naive)
        edit.set_date(zoned)
        return f"date {naive.isoformat()} -> {zoned.isoformat()} (the site's zone)"
    return None


def _terms(site: Site, value: str) -> list[str]:
    """The list the engine already reads from the string: Jekyll splits it on white space,
    the others take it as one term (a comma there is a mistake only the author can undo)."""
    if site.profile == "jekyll":
        return value.split()
    if "," in value:
        raise _Unfixable(f"{value!r} has commas, but the engine reads one term; split it by hand")
    return [value.strip()]


def _in_site_zone(site: Site, naive: datetime) -> datetime:
    from blogcli.clock import site_zone

    try:
        return naive.replace(tzinfo=site_zone(site))
    except UsageError as err:
        raise _Unfixable(str(err)) from None
