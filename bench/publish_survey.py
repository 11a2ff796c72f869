"""How long publish's git thread (flow._Survey) takes while the main thread holds the GIL, as
the pre-flight check does; the median of N runs. Run in a site whose origin is pushable
(bench_publish.py --keep DIR builds one), for each source tree in turn:

    PYTHONPATH=TREE python bench/publish_survey.py N POST LABEL
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from blogcli.publish import flow
from blogcli.publish.plan import owned_paths, select_posts
from blogcli.site import find_site


def main() -> None:
    runs, post, label = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    site = find_site()
    times: list[float] = []
    for _ in range(runs):
        repo = flow._open_repo(site, site.config.publish)
        target = repo.target(repo.check_state(), site.config.publish)
        posts = select_posts(site, [post], Path.cwd())
        start = time.perf_counter()
        survey = flow._Survey(site, repo, target, fetch=True)
        survey.ask(owned_paths(site, repo, posts, []), {"x"}, need_config=True,
                   need_tracked=False)
        spent = 0
        while survey._thread.is_alive():  # pure Python, holding the GIL, as the check does
            spent += sum(range(200))
        times.append(time.perf_counter() - start)
        survey.result()
    print(f"{label:20} git thread median {statistics.median(times) * 1000:6.1f} ms  "
          f"(min {min(times) * 1000:.1f}, {runs} runs)")


if __name__ == "__main__":
    main()
