"""`blog check`: rules over posts and their links, giving findings with file, line and column."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogcli import clock
from blogcli.cache import FileCache, signature
from blogcli.check.confine import Confined
from blogcli.check.findings import RULES, SEVERITIES, CheckResult, Finding
from blogcli.errors import UsageError
from blogcli.files import windows_problem
from blogcli.permalinks import page_urls
from blogcli.post import JEKYLL_NAME, parse_date, post_slug
from blogcli.site import MARKDOWN_SUFFIXES, Page, Site, engine_name, iter_post_files

if TYPE_CHECKING:  # external.py (and asyncio) load only for --external
    from blogcli.check.external import ExternalOptions, ExternalReport

    # The parser and the resolver load only when files are read: a reused result
    # (check/reuse.py) needs neither.
    from blogcli.check.facts import Facts
    from blogcli.check.index import SiteIndex
    from blogcli.check.resolve import Resolver, Target

PARALLEL_LINKS = 10_000  # below this, forking a worker to resolve links costs more than it saves
TEMPLATE_DIRS = ("scaffolds", "archetypes")


def rule_settings(site: Site) -> dict[str, str]:
    """Each rule's severity after blog.toml's ``[check] rules``; bad settings are usage errors."""
    table = site.config.check.rules
    settings = dict(RULES)
    for name, value in table.items():
        if name not in RULES:
            raise UsageError(f"blog.toml: [check] rules: no rule named {name!r} "
                             f"(rules: {', '.join(RULES)})")
        level = {"warn": "warning", "ignore": "off"}.get(str(value), str(value))
        if level not in SEVERITIES:
            raise UsageError(f"blog.toml: [check] rules: {name} = {value!r} must be "
                             '"error", "warning" or "off"')
        settings[name] = level
    return settings


def required_keys(site: Site) -> list[str]:
    """Front-matter keys every post must have (``[check] required``; title and date by default)."""
    return list(site.config.check.required)


def check_site(site: Site, paths: list[Path] | None = None,
               external: ExternalOptions | None = None) -> CheckResult:
    """Check ``paths`` (default: every post) against the whole site; never raises on content.

    Links are resolved against every post of the site, so checking one file still knows its
    neighbours. With ``external``, the web links of the checked files are fetched too, each
    address once. Raises UsageError for bad settings or paths outside the site.
    """
    if paths is not None or external is not None:
        return _check(site, paths, external)[0]
    from blogcli.check import reuse

    rule_settings(site)  # bad settings are said before anything kept is looked at
    kept = reuse.load(site)  # the last result, if nothing it read has changed
    if kept.result is not None:
        return kept.result
    if kept.changed:  # a few pages changed in place: those checked against the site index
        fresh, moved, counts, _ = _check(site, [site.root / rel for rel in kept.changed], None,
                                         kept.signed, regular=kept.regular)
        if not moved and not fresh.notes:  # and nothing other pages' links find there moved
            result = kept.splice(fresh)
            reuse.save(site, kept, result, kept.counts(counts), kept.stored.get("dates"))
            return result
    dates: list[Any] = []  # the pages' dates for the kept result, found while links resolve
    result, _, counts, facts = _check(site, None, None, kept.signed, also=lambda read: dates.append(
        reuse.dates_of(read)), regular=kept.regular)
    reuse.save(site, kept, result, counts, dates[0] if dates else reuse.dates_of(facts))
    return result


def _check(site: Site, paths: list[Path] | None, external: ExternalOptions | None,
           signed: dict[str, list[int] | None] | None = None,
           also: Callable[[Mapping[str, dict[str, Any]]], None] | None = None,
           regular: set[str] | None = None) -> tuple[
        CheckResult, set[str], dict[str, int], Mapping[str, dict[str, Any]]]:
    """``check_site`` from the files; also the checked pages whose record in the site index
    changed (or that are not pages), the links of each file, and the facts read. ``signed``:
    stat signatures by absolute path taken before this run read anything (reuse.tree), and
    ``regular`` the paths that walk found no symbolic link. ``also`` is given the facts while
    the links resolve."""
    settings = rule_settings(site)
    required = required_keys(site)
    from blogcli.check.scan import collect_facts, open_cache

    posts = iter_post_files(site)
    if not posts and paths is None:
        raise UsageError(f"no posts found: {site.profile} site, looked in {site.posts_places()}. "
                         "Nothing was checked. If the posts live elsewhere, name their folders "
                         "in blog.toml: [site] posts_dir = [\"path/to/posts\"]")
    # Every Markdown page the site publishes is checked; posts get the post rules too.
    markdown = [p for p in site.pages() if p.path.endswith(MARKDOWN_SUFFIXES)]
    published = [p.path for p in markdown]
    chosen = [p.rel for p in markdown] if paths is None else \
        [_rel(site, str(p)) for p in _expand(site, paths, published)]
    post_rels = {p.rel for p in site.pages() if p.kind == "post"}  # the posts above
    page_rels = {p.rel for p in markdown}
    # A named link that leads nowhere (a loop, a dangling link) is read, to say it is unreadable.
    if paths is not None:
        page_rels |= {rel for rel in chosen if os.path.islink(site.root / rel)
                      and not os.path.exists(site.root / rel)}
    cache: FileCache | SiteIndex
    facts: Mapping[str, dict[str, Any]]
    if paths is None:
        root = str(site.root)
        # Signed before they are read (a file changed meanwhile is not trusted next time):
        # reuse.tree signed them all a moment ago.
        sigs = _page_signatures(root, site.pages(), signed or {})
        cache = open_cache(site)
        found: dict[str, list[str]] = {}  # the URLs of the pages read now, found beside
        facts = collect_facts(site, sorted(page_rels), cache, found)
        permalinks = site_urls(site, facts, found)
        duplicates: dict[str, list[Finding]] = {}  # the whole site's are found in save (below)
        moved: set[str] = set()
    else:  # a few files: the rest of the site from its index (check/index.py)
        cache, facts, permalinks, duplicates, moved = _indexed(
            site, set(chosen) & page_rels, page_rels, signed or {}, signed is not None)
        moved |= {rel for rel in chosen if rel not in page_rels}
    damaged = cache.damaged
    present = [rel for rel in chosen if rel in facts]  # others vanished while we looked
    # Made only for links to resolve (checking a post without links needs no other page).
    resolver = _resolver(site, facts, permalinks, regular) if paths is None or any(
        facts[rel].get("links") for rel in present) else None
    unpublished = [Finding(rel, 1, 1, "not-published", RULES["not-published"],
                           f"{rel} is not a page this {site.profile} site publishes "
                           f"({_why_unpublished(site, rel)}), so it was not checked")
                   for rel in chosen if rel not in page_rels]

    moment = functools.cache(clock.now)  # read once, when a post's date is first weighed

    def findings(start: int, stop: int) -> list[Finding]:
        out: list[Finding] = []
        for rel in present[start:stop]:
            found = _file_findings(site, rel, facts[rel], site.page(rel) if rel in post_rels
                                   else None, required, resolver, moment)
            # A rule's own severity may be lowered for one case (an engine that is lenient);
            # blog.toml's setting, where it differs from the default, still wins.
            out.extend(_regrade(f, settings[f.rule]) if settings[f.rule] != RULES[f.rule] else f
                       for f in found + duplicates.get(rel, []) if settings[f.rule] != "off")
        return out

    counts = {rel: link_count(facts[rel]) for rel in present}  # (once: 7 ms on 10,000 posts)
    result = CheckResult(files=len(present), links=sum(counts.values()))
    if damaged:
        result.notes.append(f"Note: the check cache {cache.path} was damaged; the files were "
                            "read again and it was rebuilt.")
    config_findings = [Finding("blog.toml", n.line, 1, "config-unknown",
                               settings["config-unknown"],
                               n.message) for n in site.config.notices]

    apart: dict[str, list[Finding]] = {}  # the whole site's duplicates, added after the links'

    def save() -> None:
        dups: dict[str, str | None] = {}
        if paths is None:  # found here while other cores resolve links, not before they start
            from blogcli.check.index import dup_key

            dups = {rel: dup_key(urls) for rel, urls in permalinks.items()}  # (made once)
            apart.update(_duplicates(facts, {r: k for r, k in dups.items() if r in facts}))
        cache.save()
        if paths is None and external is None:  # the site index, for checks of a few files
            _fill_index(site, sigs, facts, permalinks, dups)
        if also is not None:
            also(facts)

    if result.links < PARALLEL_LINKS:
        save()
        result.findings = findings(0, len(present))
    else:  # resolving tens of thousands of links: on every core, saving the caches meanwhile
        from blogcli.workers import fan_out

        result.findings = fan_out(findings, len(present), save, objects=True)
    result.findings.extend(_regrade(f, settings[f.rule]) if settings[f.rule] != RULES[f.rule]
                           else f for rel in present for f in apart.get(rel, [])
                           if settings[f.rule] != "off")
    if external is not None:
        placed = [(rel, facts[rel].get("links", [])) for rel in present]
        result.external = _external(site, placed, facts, external)
        result.findings.extend(_regrade(f, settings[f.rule])
                               for f in result.external.findings if settings[f.rule] != "off")
    if settings["config-unknown"] != "off":
        result.findings.extend(config_findings)
    if settings["not-published"] != "off":
        result.findings.extend(_regrade(f, settings["not-published"]) for f in unpublished)
    result.findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
    return result, moved, counts, facts


def _external(site: Site, placed: list[tuple[str, list[Any]]], facts: Mapping[str, dict[str, Any]],
              options: ExternalOptions) -> ExternalReport:
    """Fetch the web links of the checked files (blogcli/external.py), each address once.

    A file whose front matter does not parse has no parsed links; its web addresses are
    still found in its text, so a broken link is not hidden behind a front-matter error.
    """
    from blogcli.check.external import PlacedLink, external_findings, web_links_in_text

    links = [PlacedLink(rel, line, column, target)
             for rel, found in placed for target, line, column, _ in found]
    for rel, _ in placed:
        if facts[rel].get("error"):
            try:
                text = (site.root / rel).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue  # already reported as file-unreadable
            links.extend(web_links_in_text(rel, text))
    # Past 100 links to one address in a file: one more place, saying how many it stands for.
    more = {(rel, line, column): (target, count) for rel, _ in placed
            for target, line, column, _, count in facts[rel].get("repeats") or []}
    links.extend(PlacedLink(rel, line, column, target)
                 for (rel, line, column), (target, _) in more.items())
    report = external_findings(links, options.settings, options.progress, options.history)
    if more:
        report.findings = [_counted(f, more.get((f.path, f.line, f.column))) for f in
                           report.findings]
    return report


def _counted(finding: Finding, repeat: tuple[str, int] | None) -> Finding:
    """``finding`` at the first of the links past the hundred to its target, saying so."""
    if repeat is None or repeat[0] != finding.target:
        return finding
    target, count = repeat
    return Finding(finding.path, finding.line, finding.column, finding.rule, finding.severity,
                   f"… and {count:,} more link{'s' if count != 1 else ''} to {target} in this "
                   f"file, from here on: {finding.message}", finding.target)


def _rel(site: Site, path: str) -> str:
    """``site.rel`` without pathlib's cost for the usual case (it runs once per post)."""
    root = str(site.root)
    return path[len(root) + 1:] if path.startswith(root + "/") else site.rel(Path(path))


def _regrade(finding: Finding, severity: str) -> Finding:
    if finding.severity == severity:
        return finding
    return Finding(finding.path, finding.line, finding.column, finding.rule, severity,
                   finding.message, finding.target)


def _expand(site: Site, paths: list[Path], pages: list[str]) -> list[Path]:
    """Files named on the command line, folders walked, by the rules of the whole-site check.

    A folder stands for the published pages in it (bundle resources and templates are not
    pages). A named file the site does not publish is kept, to be reported as such. Nothing
    resolving outside the site is read.
    """
    out: list[Path] = []
    known = set(pages)
    confined = Confined(str(site.root))
    for given in paths:
        path = Path(os.path.abspath(given))
        if not path.is_relative_to(site.root):  # the site root is resolved; so resolve this
            path = path.parent.resolve() / path.name
        if path.is_relative_to(site.root) and not confined.inside(str(path)):
            raise UsageError(f"{given} is outside the site {site.root}")  # not even stat-ed
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{given}: no such file or folder")
        if not path.is_relative_to(site.root):
            raise UsageError(f"{given} is outside the site {site.root}")
        if path.is_dir():
            folder = str(path.resolve()).rstrip("/") + "/"
            out.extend(Path(p) for p in pages if p.startswith(folder))
        elif str(path) in known or path.name.endswith(MARKDOWN_SUFFIXES):
            out.append(path)
        else:
            raise UsageError(f"{given} is not a Markdown file: blog check reads Markdown pages")
    return sorted(set(out))


def _why_unpublished(site: Site, rel: str) -> str:
    parts = Path(rel).parts
    if parts and (parts[0] in TEMPLATE_DIRS or "archetypes" in parts[:3]):
        return "a template for new posts"
    if any(part.startswith(("_", ".")) for part in parts[:-1]) and site.profile in (
            "jekyll", "hexo"):
        return f"{site.profile.title()} does not render files in folders named with _ or ."
    if site.profile in ("hugo", "zola") and not any(
            Path(site.root / rel).is_relative_to(folder) for folder, _ in site.content_roots):
        return "it is outside the content folders " + ", ".join(
            site.rel(f) + "/" for f, _ in site.content_roots)
    if site.profile in ("hugo", "zola"):
        return "a file of a page bundle: only its index.md is a page"
    if site.profile == "jekyll":
        return "Jekyll copies a file without front matter as it is, or excludes it"
    return f"posts are in {site.posts_places()}"


def site_urls(site: Site, facts: dict[str, dict[str, Any]],
              found: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Every page's URLs (permalink first), by source path: Markdown pages from their facts,
    others (HTML pages, unreadable ones) from their path and front matter alone. ``found``:
    those already worked out from the same facts (scan.collect_facts' ``urls``)."""
    found = found or {}
    return {page.rel: urls if (urls := found.get(page.rel)) is not None
            else _urls_of(site, page, facts.get(page.rel)) for page in site.pages()}


def _urls_of(site: Site, page: Page, fact: dict[str, Any] | None) -> list[str]:
    if fact is not None and not fact.get("error"):
        return page_urls(site, page.rel, fact["meta"], fact["slug"])
    meta = _front_matter(page.path) if fact is None else {}
    return page_urls(site, page.rel, meta, post_slug(Path(page.path), meta))


def _indexed(site: Site, chosen: set[str], page_rels: set[str],
             signed: dict[str, list[int] | None], want_moved: bool) -> tuple[
        SiteIndex, Facts, dict[str, list[str]], dict[str, list[Finding]], set[str]]:
    """What ``check_site`` needs to check the ``chosen`` files, the other pages taken from the
    site index where their files and places are unchanged: their facts without links, their
    URLs, and the duplicates of the chosen pages' addresses. The same values a whole-site
    check works out (tests/check/test_index.py compares the findings). With ``want_moved``,
    also the chosen pages whose record differs from the one the index held: what other
    pages' links find there."""
    from blogcli.check import index as site_index
    from blogcli.check.facts import Facts

    index = site_index.SiteIndex(site)
    root = str(site.root)
    pages = site.pages()
    # Chosen pages are read in full (their own links and front matter are checked); the
    # others' records are taken where their files and Pages are unchanged.
    sigs = _page_signatures(root, pages, signed)
    found = index.keys.lookup_many(sigs)  # all of them: the chosen dropped after, not copied
    for rel in chosen:
        found.pop(rel, None)
    key_of = site_index.page_key
    held = {rel: kept[1] for page in pages if (kept := found.get(rel := page.rel)) is not None
            and ((key := key_of(page)) is kept[0] or kept[0] == key)}
    listed = {page.rel for page in pages}
    # A named link leading nowhere is read too, to say it is unreadable.
    read = _read_facts(site, [rel for rel in sigs if rel not in held and rel in page_rels] +
                       sorted(chosen - listed))
    facts: dict[str, dict[str, Any] | bytes] = {}
    urls: dict[str, list[str]] = {}
    keys: dict[str, str | None] = dict(held)
    moved: set[str] = chosen - listed

    def found_now(page: Page, fact: dict[str, Any] | None) -> None:
        urls[page.rel] = _urls_of(site, page, fact)
        keys[page.rel] = site_index.dup_key(urls[page.rel])
        before = index.stored(page.rel) if want_moved and page.rel in chosen else None
        stored = index.store(page, sigs.get(page.rel), fact, urls[page.rel], keys[page.rel])
        if stored != before and want_moved:
            moved.add(page.rel)
        if fact is not None and page.rel in page_rels:
            facts[page.rel] = fact

    for page in pages:
        if page.rel not in held:
            found_now(page, read.get(page.rel))
    facts |= {rel: read[rel] for rel in chosen - listed if rel in read}
    # Without a link in the checked files, other pages matter only where they share an
    # address with one of them: only then is the rest of their record read.
    linking = any(read[rel].get("links") for rel in chosen if rel in read)
    wanted = {keys[rel] for rel in chosen if rel in facts and rel in keys}
    need = {rel: sigs[rel] for rel in held if linking or held[rel] in wanted}
    details = index.pages.lookup_many(need) if need else {}
    missing = [page for page in pages if page.rel in need and page.rel not in details]
    if missing:  # the large file lost or behind: those pages read again
        again = _read_facts(site, [p.rel for p in missing if p.rel in page_rels])
        for page in missing:
            found_now(page, again.get(page.rel))
    urls |= {rel: detail[1] for rel, detail in details.items()}
    facts |= {rel: detail[0] for rel, detail in details.items()
              if rel in page_rels and detail[0] is not None}
    # collect_facts' order (the resolver's); the index's facts packed until read.
    read_facts = Facts({rel: facts[rel] for rel in sorted(facts)})
    permalinks = {page.rel: urls[page.rel] for page in pages if page.rel in urls}
    duplicates = _duplicates(read_facts, {rel: keys[rel] for rel in permalinks
                                          if rel in facts and keys[rel] in wanted})
    index.pages.save()  # (the small file is saved by the caller, as the facts cache is)
    return index, read_facts, permalinks, duplicates, moved


def _fill_index(site: Site, sigs: dict[str, list[int] | None],
                facts: Mapping[str, dict[str, Any]], permalinks: dict[str, list[str]],
                dups: dict[str, str | None]) -> None:
    """Keep every page's record in the site index; ``dups``: each page's dup_key."""
    from blogcli.check import index as site_index
    from blogcli.check.facts import unpacked

    index = site_index.SiteIndex(site)
    signed = {rel: sig for rel, sig in sigs.items() if sig is not None}
    keys, details = index.keys.lookup_many(signed), index.pages.lookup_many(signed)
    for page in site.pages():
        rel = page.rel
        if rel in signed and (rel not in keys or rel not in details or [
                *keys[rel], unpacked(details[rel][0]), details[rel][1]] != [
                site_index.page_key(page), dups[rel], site_index.light(facts.get(rel)),
                permalinks[rel]]):
            index.store(page, signed[rel], facts.get(rel), permalinks[rel], dups[rel])
    index.save()


SMALL_READ = 64  # fewer changed files than this are scanned here, without the facts cache


def _read_facts(site: Site, rels: list[str]) -> dict[str, dict[str, Any]]:
    from blogcli.check.scan import collect_facts, scan_items

    if len(rels) >= SMALL_READ:
        return collect_facts(site, rels)
    return {rel: fact for rel, (_, fact, _) in zip(
        rels, scan_items(site, [(rel, None, None) for rel in rels]), strict=True)
        if fact is not None}


def _stat_signature(path: str) -> list[int] | None:
    try:
        return signature(os.stat(path))
    except OSError:
        return None


def _page_signatures(root: str, pages: list[Page],
                     signed: dict[str, list[int] | None]) -> dict[str, list[int] | None]:
    """``_stat_signature`` of every page's file, by rel; ``signed``'s, by absolute path,
    where it has one. One loop without a call per page: a publish signs every page of the
    site (5,000 stats; tests/check/test_index.py holds it equal to ``_stat_signature``)."""
    out: dict[str, list[int] | None] = {}
    stat, prefix = os.stat, root + "/"
    for page in pages:
        rel = page.rel
        path = prefix + rel
        if signed and path in signed:
            out[rel] = signed[path]
            continue
        try:
            out[rel] = signature(stat(path))
        except OSError:
            out[rel] = None
    return out


def _front_matter(path: str) -> dict[str, Any]:
    from blogcli.post import PostError, split_front_matter

    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            return split_front_matter(handle.read(), path)[0]
    except (OSError, PostError):
        return {}


def _resolver(site: Site, facts: Mapping[str, dict[str, Any]],
              permalinks: dict[str, list[str]], regular: set[str] | None = None) -> Resolver:
    from blogcli.check.resolve import Pages, Resolver

    return Resolver(site, Pages(facts, site), permalinks,
                    lambda path: _scan_target(site, path), regular)


def _scan_target(site: Site, path: Path) -> Target | None:
    """Anchors of a Markdown page that is not a post (an about page, a README)."""
    from blogcli.check.facts import scan_bytes
    from blogcli.check.resolve import target_of

    try:
        raw = path.read_bytes()
    except OSError:
        return None
    fact = scan_bytes(site, path, site.rel(path), raw)
    if fact.get("error"):
        return None
    return target_of(fact, site)


def _file_findings(site: Site, rel: str, fact: dict[str, Any], post: Page | None,
                   required: list[str], resolver: Resolver | None,
                   moment: Callable[[], datetime]) -> list[Finding]:
    out = _windows_name(rel)
    if fact.get("error"):
        rule, line, message = fact["error"]
        return [*out, Finding(rel, line, 1, rule, RULES[rule], message)]
    front = fact["fm"]
    if front and any(rule == "key-typo" for rule, *_ in front) and _taxonomy_keys(site):
        declared = {line for key, line in fact["keys"].items()
                    if key.lower() in _taxonomy_keys(site)}
        front = [f for f in front if f[0] != "key-typo" or f[1] not in declared]
    if post is not None:
        out.extend(_lenient_date(site, fact, Finding(rel, line, col, rule, RULES[rule],
                                                     _zoned(site, rule, msg)))
                   for rule, line, col, msg in front)
        out.extend(_required(site, post, fact, required))
        out.extend(_future(site, rel, fact, moment))
    else:
        # (A key given twice: the page a build of the site's Hugo reads, refused by later ones.)
        out.extend(Finding(rel, line, col, rule, RULES[rule], msg)
                   for rule, line, col, msg in front if rule in ("key-typo", "key-duplicate"))
    for target, line, column, kind in fact["links"]:
        assert resolver is not None  # made whenever a checked file has links
        problem = resolver.check_target(target, kind, rel)
        if problem is not None:
            out.append(Finding(rel, line, column, problem.rule,
                               problem.severity or RULES[problem.rule], problem.message, target))
    # Past the first hundred links to one target, one finding stands for the rest.
    for target, line, column, kind, count in fact.get("repeats") or []:
        assert resolver is not None  # repeats come after a hundred links
        problem = resolver.check_target(target, kind, rel)
        if problem is not None:
            out.append(Finding(rel, line, column, problem.rule,
                               problem.severity or RULES[problem.rule],
                               f"… and {count:,} more link{'s' if count != 1 else ''} to "
                               f"{target} in this file, from here on: {problem.message}",
                               target))
    return out


def _taxonomy_keys(site: Site) -> frozenset[str]:
    """The front-matter keys of the taxonomies the engine's config declares, each language's
    too (Hugo: ``taxonomies: {tag: FAtags}`` under ``languages.fa``), lower-cased as Hugo
    reads keys: not typos of a known key (``fatags`` is not ``tags`` misspelt)."""
    memo = site.remembered("taxonomy-keys")
    if not memo:
        languages = site.engine.get("languages")
        tables = [site.engine.get("taxonomies"), *(
            lang.get("taxonomies") for lang in languages.values() if isinstance(lang, dict)
        )] if isinstance(languages, dict) else [site.engine.get("taxonomies")]
        memo[None] = frozenset(str(name).lower() for table in tables
                               if isinstance(table, dict) for name in table.values())
    keys: frozenset[str] = memo[None]
    return keys


def link_count(fact: dict[str, Any]) -> int:
    """How many links a file's facts stand for, repeats counted."""
    found = len(fact.get("links", ()))
    repeats = fact.get("repeats")
    return found + sum(int(r[4]) for r in repeats) if repeats else found


# Each folder name comes back once for every page in it: asked once.
_windows_problem = functools.cache(windows_problem)


def _windows_name(rel: str) -> list[Finding]:
    """A path Windows cannot create: a clone there fails, or leaves the post out."""
    for part in rel.split("/"):  # a page's rel: relative, "/"-separated, normalized
        reason = _windows_problem(part)
        if reason:
            return [Finding(rel, 1, 1, "path-windows", RULES["path-windows"],
                            f"{reason}: git cannot check this file out on Windows (rename "
                            "it, e.g. with `blog rename`)")]
    return []


def _lenient_date(site: Site, fact: dict[str, Any], finding: Finding) -> Finding:
    """Jekyll and Hexo read a date that starts well and ignore the rest (Ruby's Time.parse,
    moment): a warning there, since the build does take it."""
    value = fact["meta"].get("date")
    if finding.rule != "date-invalid" or site.profile not in ("jekyll", "hexo") or \
            not isinstance(value, str):
        return finding
    try:
        parse_date(value[:10])
    except ValueError:
        return finding
    if len(value) < 10:
        return finding
    return Finding(finding.path, finding.line, finding.column, finding.rule, "warning",
                   f"{finding.message.split(' is not', 1)[0]} is read by the engine as "
                   f"{value[:10]} and what follows it, as far as it can; write "
                   "2024-01-31T10:00:00+01:00 to say exactly", finding.target)


def _required(site: Site, page: Page, fact: dict[str, Any],
              required: list[str]) -> list[Finding]:
    rel = page.rel
    keys = fact["keys"]
    told = isinstance(site.config.raw.get("check"), dict) and "required" in site.config.raw["check"]
    if site.profile == "zola" and not page.dated and not told:
        return []  # pages of a section that is no blog: Zola needs neither title nor date
    missing = [k for k in required if k not in keys]
    if "date" in missing and (fact["draft"] or _engine_dates(site, rel) or
                              (site.profile == "zola" and not page.dated)):
        missing.remove("date")  # Zola needs a date only where the section sorts by date
    if told or site.profile == "plain":
        out = [Finding(rel, 1, 1, "required-key", RULES["required-key"],
                       f"front matter has no {key!r}") for key in missing]
    else:
        # The engine builds the page all the same (Hugo dates it 0001-01-01 and lists it
        # last; an empty title shows as an empty link), so it is no error unless the site's
        # blog.toml makes the key required.
        out = [Finding(rel, 1, 1, "required-key", "warning",
                       f"front matter has no {key!r} ({engine_name(site)} builds the page "
                       "without it; make it an error with [check] required in blog.toml)")
               for key in missing]
    if site.profile == "jekyll" and "/_posts/" in "/" + rel and not \
            JEKYLL_NAME.match(Path(rel).stem):
        out.append(Finding(rel, 1, 1, "post-name", RULES["post-name"],
                           "Jekyll publishes only _posts files named YYYY-MM-DD-title.md; it "
                           "skips this one"))
    return out


def _engine_dates(site: Site, rel: str) -> bool:
    """True when the engine takes a date from outside the front matter for this file."""
    if site.profile == "hexo":
        return True  # Hexo falls back to the file's creation time
    from_name = JEKYLL_NAME.match(Path(rel).stem if Path(rel).stem != "index"
                                  else Path(rel).parent.name)
    if site.profile in ("jekyll", "zola"):
        return from_name is not None
    if site.profile == "hugo":
        config = site.engine.get("frontmatter", {})
        sources = config.get("date", []) if isinstance(config, dict) else []
        names = {str(s).lower() for s in sources} if isinstance(sources, list) else set()
        return bool(names & {":git", ":filemodtime"}) or (":filename" in names and
                                                          from_name is not None)
    return False


def zone_of(site: Site) -> tuple[tzinfo, str]:
    """The zone a date without one is read in (clock.site_zone), and how to name it."""
    zone = clock.site_zone(site)
    if clock.configured_zone(site) is not None:
        key = "timeZone in the Hugo config" if site.profile == "hugo" else \
            "timezone in _config.yml"
        return zone, f"{site.timezone} ({key})"
    if site.profile in ("jekyll", "hexo"):
        return zone, "the build machine's zone (the site sets no timezone)"
    return zone, "UTC"


def _zoned(site: Site, rule: str, message: str) -> str:
    if rule != "date-no-zone":
        return message
    engine = {"hugo": "Hugo", "jekyll": "Jekyll", "hexo": "Hexo", "zola": "Zola"}.get(
        site.profile, "blog")
    return f"{message}: {engine} reads it in {zone_of(site)[1]}; add an offset like +01:00 " \
           "to say which zone you mean"


def _future(site: Site, rel: str, fact: dict[str, Any],
            moment: Callable[[], datetime]) -> list[Finding]:
    """A published post dated ahead is *scheduled* where the engine waits for the date; it is
    a problem only where the build would show it at once (Hexo's default, Zola, plain)."""
    if fact["draft"] or not fact["date"]:
        return []
    now = moment()
    text = fact["date"]  # (date.isoformat's: its first ten characters sort as the days do)
    if text[4:5] == "-" and text[:10] < _days_before(now):
        return []  # days before today, in any zone: not in the future (most posts), unparsed
    try:
        when = parse_date(text)
    except ValueError:
        return []
    if isinstance(when, datetime):
        late = (when if when.tzinfo else when.replace(tzinfo=zone_of(site)[0])) > now
    else:
        late = isinstance(when, date) and when > now.date()
    early = clock.builds_future(site) if late else None
    if early is None:
        return []
    line = fact["keys"].get("date", 1)
    return [Finding(rel, line, 1, "date-future", RULES["date-future"],
                    f"published post dated {fact['date']}, in the future, but {early}: it "
                    "shows now, not from that date (mark it draft until then, or fix the date)")]


@functools.lru_cache(maxsize=4)
def _days_before(now: datetime) -> str:
    """The day two days before ``now``'s, as date.isoformat writes it: a moment on a day
    before that one, in any zone (offsets are under a day), is before ``now``."""
    return (now.date() - timedelta(days=2)).isoformat()


def _duplicates(facts: Mapping[str, dict[str, Any]],
                dups: dict[str, str | None]) -> dict[str, list[Finding]]:
    """Pages that would publish to the same URL: each one named, with the others. ``dups``:
    each page's permalink as index.dup_key makes it (normalized and NFC: "café" typed on one
    system and on another, NFD as macOS names files, is one address to a reader, and one file
    on a case- and form-folding host)."""
    import unicodedata

    by_url: dict[str, list[str]] = {}
    for rel in sorted(dups):
        if (url := dups[rel]) is not None:
            by_url.setdefault(url, []).append(rel)
    out: dict[str, list[Finding]] = {}
    for url, rels in by_url.items():
        rels = [r for r in rels if not facts[r].get("error")] if len(rels) > 1 else []
        if len(rels) < 2:
            continue
        slugs = {unicodedata.normalize("NFC", facts[r]["slug"]) for r in rels}
        rule = "duplicate-slug" if len(slugs) == 1 else "duplicate-output"
        for rel in rels:
            others = ", ".join(r for r in rels if r != rel)
            keys = facts[rel]["keys"]
            line = keys.get("slug", keys.get("url", keys.get("permalink", 1)))
            out.setdefault(rel, []).append(Finding(
                rel, line, 1, rule, RULES[rule], f"publishes to /{url}/ like {others}"))
    return out
