"""Write a Hugo site of N realistic posts for benchmarks: python bench/gen_corpus.py OUT [-n N]

The mix follows real blogs: mostly English posts of 300-2,500 words with headings, lists,
links, code blocks, images and footnotes; some CJK posts, page bundles, drafts, TOML front
matter, ``<!--more-->`` dividers and front-matter summaries. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

_TEXT = (
    "the model learns a representation of data by predicting masked parts from context while "
    "training with large batches on many images and text tokens so that downstream tasks such "
    "as classification detection and retrieval improve without labels we measure accuracy loss "
    "and throughput across several runs and compare against baselines from recent papers"
)
WORDS = tuple(_TEXT.split())
CJK = ("自然语言处理是人工智能的一个重要分支它研究如何让计算机理解和生成人类语言"
       "近年来随着深度学习的发展")
TAGS = ["ml", "ssl", "python", "go", "hugo", "notes", "paper", "vision", "nlp", "tools", "life"]
LAYOUT_SINGLE = "{{ .Title }} {{ .WordCount }} {{ .ReadingTime }}\n{{ .Content }}\n"
LAYOUT_INDEX = ("{{ range .Site.RegularPages }}{{ .Title }} {{ .WordCount }} {{ .ReadingTime }}"
                " {{ .Summary | plainify }} {{ .Truncated }}\n{{ end }}")


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 22))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.15:
        link = f"https://example.com/{rng.randint(1, 999)}"
        words[rng.randrange(len(words))] = f"[{rng.choice(WORDS)}]({link})"
    if rng.random() < 0.1:
        words[rng.randrange(len(words))] = f"`{rng.choice(WORDS)}()`"
    if rng.random() < 0.1:
        words.append("-- it's true")
    return " ".join(words) + rng.choice([".", ".", ".", "?", "!"])


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 7)))


def block(rng: random.Random, i: int) -> str:
    roll = rng.random()
    if roll < 0.06:
        return f"## {sentence(rng).rstrip('.?!')}"
    if roll < 0.12:
        return "\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(2, 6)))
    if roll < 0.17:
        body = "\n".join(f"    x{j} = compute(x{j - 1}, \"arg\")  # step {j}"
                         for j in range(rng.randint(3, 15)))
        return f"```python\ndef f():\n{body}\n    return x\n```"
    if roll < 0.20:
        return f"![{rng.choice(WORDS)} figure](/img/{i}-{rng.randint(1, 9)}.png)"
    if roll < 0.22:
        return f'{{{{< figure src="/img/{i}.png" caption="A {rng.choice(WORDS)} caption" >}}}}'
    if roll < 0.24:
        return f"> {paragraph(rng)}"
    return paragraph(rng)


def english_body(rng: random.Random, i: int) -> str:
    target = int(rng.lognormvariate(6.4, 0.6))  # median ~ 600 words, long tail
    blocks: list[str] = []
    words = 0
    while words < max(80, min(target, 6000)):
        text = block(rng, i)
        blocks.append(text)
        words += len(text.split())
    if rng.random() < 0.2:
        blocks.insert(min(2, len(blocks)), "<!--more-->")
    if rng.random() < 0.15:
        blocks[-1] += "[^1]"
        blocks.append(f"[^1]: {sentence(rng)}")
    return "\n\n".join(blocks) + "\n"


def cjk_body(rng: random.Random) -> str:
    paras = []
    for _ in range(rng.randint(3, 12)):
        start = rng.randrange(len(CJK) - 20)
        paras.append(CJK[start:] + "。Hugo静态网站\uff0c" + CJK[: rng.randint(10, 40)] + "。")
    return "\n\n".join(paras) + "\n"


def front_matter(rng: random.Random, i: int, stamp: datetime, cjk: bool) -> str:
    title = f"Post {i}: {sentence(rng).rstrip('.?!')[:60]}"
    tags = rng.sample(TAGS, rng.randint(0, 3))
    draft = rng.random() < 0.05
    if rng.random() < 0.1:
        lines = [f"title = {json.dumps(title)}", f"date = {stamp.isoformat()}Z",
                 f"tags = {json.dumps(tags)}"]
        lines += ["draft = true"] if draft else []
        return "+++\n" + "\n".join(lines) + "\n+++\n"
    lines = [f"title: {json.dumps(title)}", f"date: {stamp.isoformat()}+00:00",
             f"tags: [{', '.join(tags)}]"]
    lines += ["draft: true"] if draft else []
    lines += ["isCJKLanguage: true"] if cjk else []
    if rng.random() < 0.05:
        lines.append(f"summary: {json.dumps(sentence(rng))}")
    return "---\n" + "\n".join(lines) + "\n---\n"


def generate(out: Path, count: int, seed: int = 42) -> None:
    """Write the site: hugo.toml, small layouts, content/posts/..."""
    rng = random.Random(seed)
    posts = out / "content" / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    (out / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Bench"\n'
                                   'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n',
                                   encoding="utf-8")
    layouts = out / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    (layouts / "single.html").write_text(LAYOUT_SINGLE, encoding="utf-8")
    (out / "layouts" / "index.html").write_text(LAYOUT_INDEX, encoding="utf-8")
    start = datetime(2012, 1, 1)
    for i in range(count):
        cjk = rng.random() < 0.06
        stamp = start + timedelta(hours=rng.randint(0, 24 * 365 * 13))
        text = front_matter(rng, i, stamp, cjk) + (cjk_body(rng) if cjk else english_body(rng, i))
        bundle = rng.random() < 0.1
        path = posts / f"post-{i:05}" / "index.md" if bundle else posts / f"post-{i:05}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", "--count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    generate(args.out, args.count, args.seed)


if __name__ == "__main__":
    main()
