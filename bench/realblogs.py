"""Compare blog's site model and `blog check` with what real engines built (run by hand).

    .venv/bin/python bench/realblogs.py [/work/realblogs] [--show N]

For each real blog prepared in /work/realblogs (sources in src/, the engine's output and its
artefacts beside them; see its REPORT.md) this prints:

* posts: blog's posts (published: not draft, not expired, not future where the engine hides
  them) against the engine's posts.txt, with the differences;
* urls: how many of blog's page URLs the engine wrote (urls.txt), and the pages whose URL the
  engine did not write;
* errors the build contradicts: `blog check` errors on links whose target the built site
  serves (the link's target resolved against the built page, found in the output);
* link errors the build does not confirm: errors on links (anchors aside: lychee ran without
  fragments) for which lychee found no broken link from that page (a render hook may have
  rewritten the link: this catches what the resolved-target test cannot);
* page errors on built pages: errors without a link (front matter, dates, names) on pages
  whose URL the engine wrote, i.e. pages the build accepted (required-key is counted apart:
  it is blog's own rule, ``[check] required``);
* missed 404s: internal links of Markdown pages that the built site 404s on (broken_links.txt,
  lychee) with no `blog check` finding on that link.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin

REPO = Path(__file__).resolve().parent.parent
SITES = {  # name -> source folder under src/
    "papermod": "papermod-exampleSite", "zzo-multilingual": "zzo-theme/exampleSite",
    "karpathy": "karpathy", "jekyll-docs": "jekyll/docs", "hexo-site": "hexo-site",
    "tabi": "tabi", "zola-docs": "zola-docs/docs", "hugoDocs": "hugoDocs",
}
PAGE_RULES = {"front-matter-invalid", "date-invalid", "post-name", "file-unreadable",
              "draft-not-boolean", "tags-invalid", "duplicate-slug", "duplicate-output"}


def norm(url: str) -> str:
    sys.path.insert(0, str(REPO))
    from blogcli.permalinks import normalize

    return normalize(url)


def engine_urls(base: Path) -> set[str]:
    return {norm(line.split()[0]) for line in (base / "urls.txt").read_text().splitlines()
            if line.strip()}


def engine_posts(base: Path) -> set[str]:
    return {norm(line.split("\t")[0]) for line in (base / "posts.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")}


def blog_model(src: Path) -> tuple[dict[str, str], dict[str, str], set[str], set[str]]:
    """(rel -> url of every page, rel -> url of posts, urls of listed published posts, pages
    blog says the build does not write now: drafts, expired, scheduled, Hugo render never)."""
    sys.path.insert(0, str(REPO))
    from blogcli.check.checker import site_urls
    from blogcli.check.scan import collect_facts, open_cache
    from blogcli.site import find_site

    site = find_site(site_dir=src)
    rels = [p.rel for p in site.pages() if p.path.endswith((".md", ".markdown"))]
    facts = collect_facts(site, rels, open_cache(site))
    urls = {rel: u[0] for rel, u in site_urls(site, facts).items()}
    from blogcli import clock
    from blogcli.pages import availability, cascade_of, hugo_cascade

    cascades = hugo_cascade(site.pages(), {r: f.get("meta", {}) for r, f in facts.items()})
    never = {rel for rel, fact in facts.items() if not fact.get("error") and availability(
        site, site.page(rel), fact["meta"], fact["date"], clock.now(site),
        cascade_of(rel, cascades) if site.profile == "hugo" else ()).state != "live"}
    posts = {p.rel: urls[p.rel] for p in site.pages() if p.kind == "post"}
    listing = json.loads(subprocess.run(
        [sys.executable, "-m", "blogcli", "--site", str(src), "list", "--format", "json"],
        capture_output=True, text=True, cwd=REPO, env=dict(os.environ, NO_COLOR="1"),
        check=False).stdout or "[]")
    published = {norm(r["url"]) for r in listing if r["status"] == "published"}
    return urls, posts, published, never


def check(src: Path) -> list[dict[str, object]]:
    done = subprocess.run([sys.executable, "-m", "blogcli", "--site", str(src), "check",
                           "--format", "json"], capture_output=True, text=True, cwd=REPO,
                          env=dict(os.environ, NO_COLOR="1"), check=False)
    if not done.stdout.strip():
        print(done.stderr)
        return []
    findings: list[dict[str, object]] = json.loads(done.stdout)["findings"]
    return findings


def main() -> None:
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 5
    args = [a for a in sys.argv[1:] if not a.startswith("--") and a != str(show)]
    top = Path(args[0] if args else "/work/realblogs")
    rows = []
    for name, folder in SITES.items():
        base, src = top / name, top / "src" / folder
        urls, posts, published, never = blog_model(src)
        built = engine_urls(base)
        served = built | {norm(p) for p in _files(base / "out")}
        theirs = engine_posts(base) if (base / "posts.txt").is_file() else set()
        every = {norm(u) for u in posts.values()}
        ours = published  # blog's published posts, as the engine's lists published ones
        unbuilt = sorted(rel for rel, u in urls.items() if norm(u) not in built
                         and rel not in never)
        findings = check(src)
        by_rel = {rel: norm(u) for rel, u in urls.items()}
        contradicted = []
        for f in findings:
            target = str(f.get("target") or "")
            if f["severity"] != "error" or not target or "://" in target:
                continue
            page = by_rel.get(str(f["path"]))
            if page is None:
                continue
            dest = norm(urljoin("/" + page + "/", unquote(target.split("#")[0])))
            if f["rule"] != "link-anchor" and dest in served:
                contradicted.append((f["path"], f["rule"], target))
        missed = _missed(base, findings, by_rel)
        unconfirmed = _unconfirmed(base, findings, by_rel)
        page_errors = [(f["path"], f["rule"]) for f in findings
                       if f["severity"] == "error" and f["rule"] in PAGE_RULES
                       and by_rel.get(str(f["path"])) in built]
        required = sum(1 for f in findings if f["rule"] == "required-key"
                       and f["severity"] == "error")
        rows.append((name, len(ours & theirs) if theirs else len(ours), len(theirs),
                     len(published), len(urls) - len(never) - len(unbuilt),
                     len(urls) - len(never),
                     len(contradicted), len(unconfirmed), len(page_errors), required,
                     len(missed)))
        print(f"== {name}: posts blog {len(every)} (published {len(published)}), engine "
              f"{len(theirs)}; in both {len(ours & theirs)}; pages blog says the build does "
              f"not write {len(never)} (of them written: "
              f"{sum(1 for rel in never if norm(urls[rel]) in built)})")
        for label, items in (("posts only blog has", sorted(ours - theirs)),
                             ("posts only the engine has", sorted(theirs - ours)),
                             ("pages whose URL the engine did not write", unbuilt),
                             ("errors the build contradicts", contradicted),
                             ("link errors the build does not confirm", unconfirmed),
                             ("page errors on pages the build wrote", page_errors),
                             ("404s blog missed", missed)):
            if items:
                print(f"   {label} ({len(items)}):")
                for item in items[:show]:
                    print(f"      {item}")
    print("\n| site | posts (blog = engine) | engine posts | blog published | page URLs the "
          "engine wrote | contradicted link errors | link errors not confirmed | page errors "
          "on built pages | required-key | missed 404s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, both, theirs_n, pub, good, total, bad, loose, page, req, miss in rows:
        print(f"| {name} | {both} | {theirs_n} | {pub} | {good}/{total} | {bad} | {loose} | "
              f"{page} | {req} | {miss} |")


def _text(src: Path, name: str, rel: str) -> str:
    try:
        return (src / SITES[name] / rel).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _files(out: Path) -> list[str]:
    found = []
    for folder, _, files in os.walk(out, followlinks=True):
        rel = os.path.relpath(folder, out)
        found += ["/" + (f if rel == "." else f"{rel}/{f}") for f in files]
    return found


def _unconfirmed(base: Path, findings: list[dict[str, object]],
                 by_rel: dict[str, str]) -> list[str]:
    """Link errors (not anchors, not web links) with no broken link from that page in
    lychee's report of the built site."""
    broken: dict[str, list[str]] = {}
    for line in (base / "broken_links.txt").read_text().splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            broken.setdefault(norm(parts[0]), []).append(unquote(parts[1]).split("#")[0])
    out = []
    for f in findings:
        target = unquote(str(f.get("target") or "")).split("#")[0].rstrip("/")
        if f["severity"] != "error" or f["rule"] == "link-anchor" or not target or \
                "://" in target or str(f["path"]) not in by_rel:
            continue
        tail = "/".join(p for p in target.split("/") if p not in ("", ".", ".."))
        links = broken.get(by_rel[str(f["path"])], [])
        if not any(tail and link.rstrip("/").endswith(tail) for link in links):
            out.append(f"{f['path']}: {f['rule']} {f.get('target')}")
    return out


def _missed(base: Path, findings: list[dict[str, object]], by_rel: dict[str, str]) -> list[str]:
    """Broken links of the built site, from Markdown pages, with no finding on that target."""
    pages = {url: rel for rel, url in by_rel.items()}
    flagged = {(str(f["path"]), unquote(str(f.get("target") or "")).split("#")[0].rstrip("/"))
               for f in findings}
    flagged_any = {str(f["path"]) for f in findings if f.get("target")}
    out = []
    for line in (base / "broken_links.txt").read_text().splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        rel = pages.get(norm(parts[0]))
        if rel is None:
            continue  # a page the theme made (a list, a tag page): no Markdown to fix
        link = unquote(parts[1]).rstrip("/")
        if link.startswith("file://"):
            continue  # a //host link lychee read as a file: on the web it is https
        segments = [p for p in link.split("/") if p]
        tail = "/".join(segments[-3:] if len(segments) > 3 else segments[-2:])
        if tail not in unquote(_text(base.parent / "src", base.name, rel)):
            continue  # the link is in the theme's templates (menus, icons), not in the page
        if not any(r == rel and t and (link.endswith(t.lstrip("./")) or t.endswith(link))
                   for r, t in flagged) and rel not in flagged_any:
            out.append(f"{rel}: {parts[1]}")
    return sorted(set(out))


if __name__ == "__main__":
    main()
