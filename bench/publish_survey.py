"""How long publish's git thread (flow._Survey) takes while the main thread holds the GIL, as
the pre-flight check does; the median of N runs. Run in a site whose origin is pushable
(bench_publish.py --keep DIR builds one), for each source tree in turn:

    PYTHONPATH=TREE python bench/publish_survey.py N POST LABEL [WORK_MS]

With WORK_MS, the main thread does that much pure-Python work instead (about what the
pre-flight check costs) and then waits for the thread: the time until the plan could go on,
which counts both the thread's lateness and what it takes from the main thread.
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
    work = float(sys.argv[4]) / 1000 if len(sys.argv) > 4 else 0.0
    loops = _calibrate(work) if work else 0
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
        if loops:
            for _ in range(loops):
                spent += sum(range(200))
            survey.result()
        while survey._thread.is_alive():  # pure Python, holding the GIL, as the check does
            spent += sum(range(200))
        times.append(time.perf_counter() - start)
        survey.result()
    print(f"{label:20} git thread median {statistics.median(times) * 1000:6.1f} ms  "
          f"(min {min(times) * 1000:.1f}, {runs} runs)")


def _calibrate(seconds: float) -> int:
    """How many loops of the busy work take ``seconds`` here, alone."""
    start, count = time.perf_counter(), 0
    while time.perf_counter() - start < 0.05:
        sum(range(200))
        count += 1
    return int(count * seconds / 0.05)


if __name__ == "__main__":
    main()
