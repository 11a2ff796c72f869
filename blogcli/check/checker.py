"""`blog check`: rules over posts and their links, giving findings with file, line and column."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogcli import clock
from blogcli.check.confine import Confined
from blogcli.check.facts import scan_bytes
from blogcli.check.findings import RULES, SEVERITIES, CheckResult, Finding
from blogcli.check.resolve import Pages, Resolver, Target, target_of
from blogcli.check.scan import collect_facts, open_cache
from blogcli.errors import UsageError
from blogcli.permalinks import normalize, page_urls
from blogcli.post import JEKYLL_NAME, parse_date
from blogcli.site import MARKDOWN_SUFFIXES, Site, iter_post_files, walk_markdown
from blogcli.workers import fan_out

if TYPE_CHECKING:  # external.py (and asyncio) load only for --external
    from blogcli.check.external import ExternalOptions, ExternalReport

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
    settings = rule_settings(site)
    required = required_keys(site)
    posts = iter_post_files(site)
    chosen = [_rel(site, p) for p in posts] if paths is None else \
        [_rel(site, str(p)) for p in _expand(site, paths, posts)]
    post_rels = {_rel(site, p) for p in posts}
    cache = open_cache(site)
    facts = collect_facts(site, sorted(post_rels | set(chosen)), cache)
    permalinks = {rel: page_urls(site, rel, f["meta"], f["slug"])
                  for rel, f in facts.items() if not f.get("error") and rel in post_rels}
    resolver = _resolver(site, facts, permalinks)
    duplicates = _duplicates(facts, permalinks)
    present = [rel for rel in chosen if rel in facts]  # others vanished while we looked

    def findings(start: int, stop: int) -> list[Finding]:
        out: list[Finding] = []
        for rel in present[start:stop]:
            found = _file_findings(site, rel, facts[rel], rel in post_rels, required, resolver)
            out.extend(_regrade(f, settings[f.rule]) for f in found + duplicates.get(rel, [])
                       if settings[f.rule] != "off")
        return out

    result = CheckResult(files=len(present),
                         links=sum(len(facts[rel].get("links", [])) for rel in present))
    config_findings = [Finding("blog.toml", n.line, 1, "config-unknown",
                               settings["config-unknown"],
                               n.message) for n in site.config.notices]
    if result.links < PARALLEL_LINKS:
        cache.save()
        result.findings = findings(0, len(present))
    else:  # resolving tens of thousands of links: on every core, saving the cache meanwhile
        result.findings = fan_out(findings, len(present), cache.save)
    if external is not None:
        placed = [(rel, facts[rel].get("links", [])) for rel in present]
        result.external = _external(site, placed, facts, external)
        result.findings.extend(_regrade(f, settings[f.rule])
                               for f in result.external.findings if settings[f.rule] != "off")
    if settings["config-unknown"] != "off":
        result.findings.extend(config_findings)
    result.findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
    return result


def _external(site: Site, placed: list[tuple[str, list[Any]]], facts: dict[str, dict[str, Any]],
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
    return external_findings(links, options.settings, options.progress, options.history)


def _rel(site: Site, path: str) -> str:
    """``site.rel`` without pathlib's cost for the usual case (it runs once per post)."""
    root = str(site.root)
    return path[len(root) + 1:] if path.startswith(root + "/") else site.rel(Path(path))


def _regrade(finding: Finding, severity: str) -> Finding:
    if finding.severity == severity:
        return finding
    return Finding(finding.path, finding.line, finding.column, finding.rule, severity,
                   finding.message, finding.target)


def _expand(site: Site, paths: list[Path], posts: list[str]) -> list[Path]:
    """Files named on the command line, folders walked, by the rules of the whole-site check.

    Inside a posts folder a path counts only if it is one of ``posts`` (so bundle resources and
    ``_index.md`` are skipped as ``blog check`` skips them); elsewhere folders are walked by
    the same walker. Templates are not posts. Nothing resolving outside the site is read.
    """
    out: list[Path] = []
    known = set(posts)
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
        out.extend(_chosen(site, path.resolve() if path.is_dir() else path, posts, known))
    return sorted(set(out))


def _chosen(site: Site, path: Path, posts: list[str], known: set[str]) -> list[Path]:
    in_posts = any(folder is not None and path.is_relative_to(folder)
                   for folder in (site.posts_dir, site.drafts_dir))
    if not path.is_dir():
        if in_posts:  # a symlink loop named on purpose is still reported as unreadable
            return [path] if str(path) in known or path.is_symlink() else []
        named = path.name.endswith(MARKDOWN_SUFFIXES) and not _is_template(site, path)
        return [path] if named else []
    # Posts are absolute path strings (Path objects cost time by the thousand).
    folder = str(path).rstrip("/") + "/"
    found = [Path(p) for p in posts if p.startswith(folder) or p == str(path)]
    if not in_posts:
        found += [p for p in walk_markdown(path, site.root) if not _is_template(site, p)]
    return found


def _is_template(site: Site, path: Path) -> bool:
    parts = Path(site.rel(path)).parts
    return bool(parts) and (parts[0] in TEMPLATE_DIRS or "archetypes" in parts[:3])


def _resolver(site: Site, facts: dict[str, dict[str, Any]],
              permalinks: dict[str, list[str]]) -> Resolver:
    return Resolver(site, Pages(facts, site), permalinks,
                    lambda path: _scan_target(site, path))


def _scan_target(site: Site, path: Path) -> Target | None:
    """Anchors of a Markdown page that is not a post (an about page, a README)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    fact = scan_bytes(site, path, site.rel(path), raw)
    if fact.get("error"):
        return None
    return target_of(fact, site)


def _file_findings(site: Site, rel: str, fact: dict[str, Any], is_post: bool,
                   required: list[str], resolver: Resolver) -> list[Finding]:
    if fact.get("error"):
        rule, line, message = fact["error"]
        return [Finding(rel, line, 1, rule, RULES[rule], message)]
    out: list[Finding] = []
    if is_post:
        out.extend(Finding(rel, line, col, rule, RULES[rule], msg)
                   for rule, line, col, msg in fact["fm"])
        out.extend(_required(site, rel, fact, required))
        out.extend(_future(site, rel, fact))
    else:
        out.extend(Finding(rel, line, col, rule, RULES[rule], msg)
                   for rule, line, col, msg in fact["fm"] if rule == "key-typo")
    for target, line, column, kind in fact["links"]:
        problem = resolver.check_target(target, kind, rel)
        if problem is not None:
            out.append(Finding(rel, line, column, problem.rule, RULES[problem.rule],
                               problem.message, target))
    return out


def _required(site: Site, rel: str, fact: dict[str, Any], required: list[str]) -> list[Finding]:
    keys = fact["keys"]
    missing = [k for k in required if k not in keys]
    if "date" in missing and (fact["draft"] or _engine_dates(site, rel)):
        missing.remove("date")
    return [Finding(rel, 1, 1, "required-key", RULES["required-key"],
                    f"front matter has no {key!r}") for key in missing]


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


def _future(site: Site, rel: str, fact: dict[str, Any]) -> list[Finding]:
    """A published post dated ahead is *scheduled* where the engine waits for the date; it is
    a problem only where the build would show it at once (Hexo's default, Zola, plain)."""
    if fact["draft"] or not fact["date"]:
        return []
    try:
        when = parse_date(fact["date"])
    except ValueError:
        return []
    now = clock.now()
    if isinstance(when, datetime):
        late = (when if when.tzinfo else when.replace(tzinfo=UTC)) > now
    else:
        late = isinstance(when, date) and when > now.date()
    early = clock.builds_future(site) if late else None
    if early is None:
        return []
    line = fact["keys"].get("date", 1)
    return [Finding(rel, line, 1, "date-future", RULES["date-future"],
                    f"published post dated {fact['date']}, in the future, but {early}: it "
                    "shows now, not from that date (mark it draft until then, or fix the date)")]


def _duplicates(facts: dict[str, dict[str, Any]],
                permalinks: dict[str, list[str]]) -> dict[str, list[Finding]]:
    """Posts that would publish to the same URL: each one named, with the others."""
    by_url: dict[str, list[str]] = {}
    for rel in sorted(permalinks):
        by_url.setdefault(normalize(permalinks[rel][0]), []).append(rel)
    out: dict[str, list[Finding]] = {}
    for url, rels in by_url.items():
        if len(rels) < 2:
            continue
        slugs = {facts[r]["slug"] for r in rels}
        rule = "duplicate-slug" if len(slugs) == 1 else "duplicate-output"
        for rel in rels:
            others = ", ".join(r for r in rels if r != rel)
            keys = facts[rel]["keys"]
            line = keys.get("slug", keys.get("url", keys.get("permalink", 1)))
            out.setdefault(rel, []).append(Finding(
                rel, line, 1, rule, RULES[rule], f"publishes to /{url}/ like {others}"))
    return out
