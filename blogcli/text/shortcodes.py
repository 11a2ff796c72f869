"""Hugo shortcodes and Liquid tags, replaced by what the rendered page shows of them.

Hugo expands ``{{< name >}}`` after Markdown (through a placeholder) and ``{{% name %}}`` before
it; both are handled the same way here so the counts match. Only the built-ins whose text shows
on a page are known (``figure``, ``ref``/``relref``, ``highlight``); any other paired shortcode
keeps its inner text and any other single one shows nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from blogcli.text import goldmark, native
from blogcli.text.goldmark import code_block

_TAG = re.compile(r"\{\{([<%])(/\*)?\s*(/?)\s*([\w./-]+)(.*?)\s*(\*/)?\s*/?\s*[>%]\}\}", re.S)
_PARAM = re.compile(r'(?:([\w-]+)\s*=\s*)?("(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`]+)')
_LIQUID = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.S)
_LIQUID_OUT = re.compile(r"\{\{-?.*?-?\}\}", re.S)
_ANY_LIQUID = re.compile(r"\{%-?\s*\w+.*?-?%\}|\{\{-?.*?-?\}\}", re.S)
_NUNJUCKS_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_CODE = re.compile(r"<code[^>]*>(.*?)</code>", re.S)
_MARK = re.compile(r"LIQUIDTAG(\d+)X")
PLACEHOLDER = "HAHAHUGOSHORTCODE-s{}-HBHB"


def _params(raw: str) -> tuple[list[str], dict[str, str]]:
    positional: list[str] = []
    named: dict[str, str] = {}
    for key, value in _PARAM.findall(raw):
        if value[:1] in '"`':
            value = value[1:-1].replace('\\"', '"')
        if key:
            named[key] = value
        else:
            positional.append(value)
    return positional, named


def _template_escape(text: str) -> str:
    """Go html/template's escaper, which Hugo's figure template applies to its title."""
    table = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;", "+": "&#43;"}
    return "".join(table.get(ch, ch) for ch in text)


def markdownify(text: str) -> str:
    """Hugo's ``markdownify``: render, and drop the ``<p>`` of a single paragraph."""
    from blogcli.text.hugo import trim_short_html

    return trim_short_html(render(text))


def render(text: str, unsafe: bool = False) -> str:
    """Goldmark-shaped HTML: the native pass's, else markdown-it's (see native.py). Figure
    captions through markdown-it cost a list of 5,000 synthetic posts 0.06 s of CPU, and
    each worker the import of markdown-it (50 ms)."""
    html = native.render(text, unsafe)
    return goldmark.render(text, unsafe) if html is None else html


def figure(named: dict[str, str]) -> str:
    """Hugo 0.111's built-in ``figure`` template, whitespace included."""
    title, caption, attr = named.get("title", ""), named.get("caption", ""), named.get("attr", "")
    html = f'<figure><img src="{_template_escape(named.get("src", ""))}"/>'
    if title or caption or attr:
        html += "<figcaption>\n            "
        if title:
            html += f"<h4>{_template_escape(title)}</h4>"
        if caption or attr:
            link = named.get("attrlink", "")
            html += "<p>" + markdownify(caption) if caption else "<p>"
            html += f'\n                    <a href="{link}">' if link else ""
            html += (markdownify(attr) if attr else "") + ("</a>" if link else "") + "</p>"
        html += "\n        </figcaption>"
    return html + "\n</figure>\n"


def _ref_url(positional: list[str], named: dict[str, str], base_url: str) -> str:
    """A guess at the target's URL (one word either way): ``ref`` is absolute, ``relref`` not."""
    target = positional[0] if positional else named.get("path", "")
    stem = target.split("#")[0].rsplit("/", 1)[-1].removesuffix(".md").removesuffix("index")
    path = f"/posts/{stem.strip('/')}/" if stem else "/"
    return base_url.rstrip("/") + path


def _output(name: str, raw: str, inner: str | None, base_url: str) -> str:
    positional, named = _params(raw)
    if name == "figure":
        return figure(named)
    if name in ("ref", "relref"):
        return _ref_url(positional, named, base_url if name == "ref" else "")
    if name == "highlight":
        return code_block((inner or "").strip("\n\r"), positional[0] if positional else "")
    # A theme's shortcode: its inner text, and the newline its template file ends with (which
    # decides whether a paragraph's end still reads as a sentence end).
    return (inner or "") + "\n"


def _scan(body: str) -> Iterator[tuple[int, int, re.Match[str], str | None]]:
    """Each top-level shortcode: (start, end, its opening tag, inner text if paired)."""
    tags = list(_TAG.finditer(body))
    closes = _pairs(tags)
    pos = 0
    for m in tags:
        if m.start() < pos:
            continue  # inside the shortcode before
        inner, pos = None, m.end()
        close = closes.get(m.start())
        if close is not None:
            inner, pos = body[m.end():close.start()], close.end()
        yield m.start(), pos, m, inner


def _opens(m: re.Match[str]) -> bool:
    """An opening tag that may have a closing one (not ``{{< /x >}}``, ``/* */`` or ``/>``)."""
    return not m.group(3) and not m.group(2) and not m.group(0).rstrip("}>% ").endswith("/")


def _pairs(tags: list[re.Match[str]]) -> dict[int, re.Match[str]]:
    """Opening tag's start -> its closing tag: the latest open one of the same name."""
    open_: dict[str, list[int]] = {}
    pairs: dict[int, re.Match[str]] = {}
    for m in tags:
        name = m.group(4)
        if m.group(3) and not m.group(2):
            if open_.get(name):
                pairs[open_[name].pop()] = m
        elif _opens(m):
            open_.setdefault(name, []).append(m.start())
    return pairs


def inside_shortcode(body: str, at: int) -> bool:
    """Is position ``at`` inside a shortcode (its tag or a paired one's inner text)?"""
    for start, end, _, _ in _scan(body):
        if at < start:
            return False
        if at < end:
            return True
    return False


def expand_hugo(body: str, base_url: str = "", unsafe: bool = False
                ) -> tuple[str, dict[str, str]]:
    """Replace shortcodes: ``{{< >}}`` by placeholders (returned with their HTML), ``{{% %}}``
    by their output in the Markdown. Nested shortcodes are expanded as Hugo does it, inside out."""
    out: list[str] = []
    placeholders: dict[str, str] = {}
    pos = 0
    for start, end, m, inner in _scan(body):
        out.append(body[pos:start])
        pos = end
        delim, name = m.group(1), m.group(4)
        html = _expand_one(m, inner, base_url, unsafe, nested=False)
        if m.group(2) or m.group(3) or (delim == "%" and name not in ("figure", "highlight")):
            out.append(html)
        else:
            key = PLACEHOLDER.format(len(placeholders))
            placeholders[key] = html
            out.append(key)
    out.append(body[pos:])
    return "".join(out), placeholders


def _expand_one(m: re.Match[str], inner: str | None, base_url: str, unsafe: bool,
                nested: bool) -> str:
    """One shortcode's output. Its inner text has its own shortcodes expanded in place (raw,
    whatever their delimiter); a nested ``{{% %}}`` one's inner Markdown is rendered first, as
    Hugo renders it, so its HTML lands in the outer Markdown as raw HTML."""
    if m.group(2):  # {{</* x */>}} shows the shortcode itself
        return m.group(0).replace("/*", "", 1).replace("*/", "", 1).replace("  ", " ")
    if m.group(3):
        return ""  # a closing tag with no opening one
    if inner is not None and "{{" in inner:
        inner = _expand_nested(inner, base_url, unsafe)
    if nested and m.group(1) == "%" and inner is not None:
        from blogcli.text.hugo import trim_short_html

        inner = trim_short_html(render(inner, unsafe))
    return _output(m.group(4), m.group(5), inner, base_url)


def _expand_nested(text: str, base_url: str, unsafe: bool) -> str:
    out: list[str] = []
    pos = 0
    for start, end, m, inner in _scan(text):
        out.append(text[pos:start])
        out.append(_expand_one(m, inner, base_url, unsafe, nested=True))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def replace_placeholders(html: str, placeholders: dict[str, str]) -> str:
    """Put shortcode output in; a shortcode alone in a paragraph loses the ``<p>`` (as Hugo)."""
    for key, value in placeholders.items():
        html = html.replace(f"<p>{key}</p>", value).replace(key, value)
    return html


def _liquid_tag(name: str, args: str, body: str, pos: int) -> tuple[str, int]:
    """What one Liquid tag becomes and where scanning resumes."""
    blocks: dict[str, Callable[[str], str]] = {
        "highlight": lambda inner: f"\n```{args.split()[0] if args.split() else ''}\n"
                                   f"{inner.strip(chr(10))}\n```\n",
        "codeblock": lambda inner: f"\n```\n{inner.strip(chr(10))}\n```\n",
        "raw": lambda inner: inner,
        "comment": lambda inner: "",
    }
    if name in blocks:
        end = re.compile(r"\{%-?\s*end" + name + r"\s*-?%\}").search(body, pos)
        stop = end.start() if end else len(body)
        return blocks[name](body[pos:stop]), (end.end() if end else len(body))
    if name in ("post_url", "link"):
        target = args.strip().split()[0] if args.strip() else ""
        return "/" + target.rsplit("/", 1)[-1].rsplit(".", 1)[0] + "/", pos
    return "", pos


def expand_liquid(body: str, keep_code: bool = False) -> str:
    """Replace Liquid/Nunjucks tags (Jekyll, Hexo) by what the page shows of them.

    ``keep_code``: Hexo's Markdown renderer escapes braces in code before Nunjucks runs, so
    tags inside code (spans, fences, indented blocks) stay as written; Jekyll's Liquid runs
    over the whole file, code included.
    """
    keep = _tags_in_code(body) if keep_code else set()
    out: list[str] = []
    pos = 0
    while (m := _LIQUID.search(body, pos)) is not None:
        out.append(_outputs(body, pos, m.start(), keep))
        if m.start() in keep:
            out.append(m.group(0))
            pos = m.end()
            continue
        text, pos = _liquid_tag(m.group(1), m.group(2), body, m.end())
        out.append(text)
    out.append(_outputs(body, pos, len(body), keep))
    text = "".join(out)
    return _NUNJUCKS_COMMENT.sub("", text) if keep_code else text


def _outputs(body: str, start: int, end: int, keep: set[int]) -> str:
    """``body[start:end]`` without its ``{{ ... }}`` outputs (undefined ones print nothing)."""
    out: list[str] = []
    pos = start
    for m in _LIQUID_OUT.finditer(body, start, end):
        out.append(body[pos:m.start()] + (m.group(0) if m.start() in keep else ""))
        pos = m.end()
    out.append(body[pos:end])
    return "".join(out)


def _tags_in_code(body: str) -> set[int]:
    """Where the tags that sit in Markdown code start: render the page with each tag as a
    placeholder word, and see which placeholders come out inside ``<code>``."""
    tags = list(_ANY_LIQUID.finditer(body))
    if not tags:
        return set()
    marked: list[str] = []
    pos = 0
    for n, m in enumerate(tags):
        marked.append(f"{body[pos:m.start()]}LIQUIDTAG{n}X")
        pos = m.end()
    marked.append(body[pos:])
    inside: set[int] = set()
    for code in _CODE.finditer(render("".join(marked), True)):
        inside.update(tags[int(n)].start() for n in _MARK.findall(code.group(1)))
    return inside
