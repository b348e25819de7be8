"""Benchmark the fixed cost of every command, and the preview's edit-to-page latency, on the bundled paper.

Times `coe-paper --help`, `--version`, `validate` and `status` on this repository's own paper (after one untimed run
of each, so the caches in the git directory are filled, as they are for anyone who ran a command before: nothing
changed since, so `validate` and `status` report their last run's record, checked.py; bench_assemble.py's "validate
1 edit" times a check of a paper just edited), each the median of `--repeat` runs, in turn with `pandoc --version`:
the floor of starting a program, taken in the same run so the ratios stay comparable when the machine's speed
changes; and with `import typer` on its own, the floor of any typer command (the issue measured typer with rich at
0.10 s; typer 0.29 alone takes longer). Then it starts the preview server (`serve`) in-process on a clone of the
repository, saves `--edits` edits to a section (each brings a word no earlier run has looked up, as typing does) and
times each from the save to the rebuilt page being served; then, while it runs, `validate` and `status` on that
clone, which the `coe-paper` command passes to serve's resident process.

    python bench/bench_startup.py [--repeat 11] [--edits 7]
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMMANDS = (["--help"], ["--version"], ["validate"], ["status"])
WORDS = ("lantern", "harbour", "meadow", "thimble", "orchard", "quarry", "saddle", "walnut", "pebble", "kettle",
         "ferry", "candle", "ribbon", "lagoon", "glacier")


def child_env() -> dict[str, str]:
    """This checkout's `src/` first; bytecode written and read, as for an installed coe-paper (pip compiles it)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH", "")) if p)
    return env


def coe_paper_cmd(*args: str, project: Path = REPO, module: str = "cli") -> list[str]:
    """coe-paper run in its own process (`cli`), or as the `coe-paper` command runs it (`resident`: passed to the
    project's resident process when one listens)."""
    return [sys.executable, "-c", f"from coe_paper.{module} import run; run()", "--project", str(project), *args]


def wall(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # validate exits 1 on errors in the paper, which is still a run
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode(errors='replace')}")
    return seconds


def commands(repeat: int) -> list[tuple[str, list[float]]]:
    """Each command and `pandoc --version` in turn, `repeat` times, after one untimed run of each."""
    pandoc = shutil.which("pandoc")
    env = child_env()
    rows: list[tuple[str, list[float]]] = [(" ".join(args), []) for args in COMMANDS]
    rows.append(("python: import typer", []))
    if pandoc is not None:
        rows.append(("pandoc --version", []))
    for _ in range(repeat + 1):
        for args, (_label, times) in zip(COMMANDS, rows, strict=False):
            times.append(wall(coe_paper_cmd(*args), env))
        rows[len(COMMANDS)][1].append(wall([sys.executable, "-c", "import typer"], env))
        if pandoc is not None:
            rows[-1][1].append(wall([pandoc, "--version"]))
    return [(label, times[1:]) for label, times in rows]


def _edit_to_page(host: str, port: int, section: Path, word: str) -> float:
    events = http.client.HTTPConnection(host, port, timeout=30)
    events.request("GET", "/_coe/events")
    stream = events.getresponse()
    stream.readline()  # ": connected"
    text = section.read_text(encoding="utf-8")
    start = time.perf_counter()
    section.write_text(text.rstrip("\n") + f"\n\nA new paragraph about the {word}.\n", encoding="utf-8")
    while (line := stream.readline()) and line != b"data: reload\n":
        pass
    page = http.client.HTTPConnection(host, port, timeout=30)
    page.request("GET", "/")
    body = page.getresponse().read().decode()
    seconds = time.perf_counter() - start
    events.close()
    page.close()
    if f"the {word}." not in body:
        raise RuntimeError(f"the page served after the edit does not show it ({word})")
    return seconds


def preview(edits: int, repeat: int) -> tuple[list[float], list[tuple[str, list[float]]]]:
    """Edit-to-page seconds for `edits` saved edits, the server started once on a clone of the repository; then
    `validate` and `status` timed `repeat` times each while it runs (passed to its resident process)."""
    import gc

    from coe_paper.resident import GC_THRESHOLDS
    from coe_paper.serve import PreviewServer

    gc.set_threshold(*GC_THRESHOLDS)  # as `coe-paper serve` runs: the command sets them
    os.environ.clear()
    os.environ.update(child_env())  # the resident process serves callers with the same start-up environment only
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as work:
        root = Path(work) / "paper"
        subprocess.run(["git", "clone", "-q", str(REPO), str(root)], check=True)
        server = PreviewServer(root, root / "build" / "site", port=0, resident=True)
        server.start()
        try:
            time.sleep(0.5)  # the watcher is running
            host, port = server.httpd.server_address[:2]
            section = sorted((root / "sections").glob("*.md"))[0]
            found = []
            for index in range(edits):
                found.append(_edit_to_page(str(host), int(port), section, WORDS[index % len(WORDS)]))
                time.sleep(0.3)
            probe = coe_paper_cmd("status", project=root, module="resident")
            probe[2] = "import sys; sys.modules['typer'] = None; " + probe[2]  # succeeds only when passed on
            deadline = time.monotonic() + 60
            while subprocess.run(probe, capture_output=True, check=False).returncode != 0:
                if time.monotonic() > deadline:
                    raise RuntimeError("the resident process did not answer")
                time.sleep(0.2)
            warm = [(f"{args[0]} (serve running)", [wall(coe_paper_cmd(*args, project=root, module="resident"))
                                                    for _ in range(repeat)]) for args in COMMANDS[2:]]
            return found, warm
        finally:
            server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=11, help="timed runs of each command (median reported)")
    parser.add_argument("--edits", type=int, default=7, help="saved edits timed in the preview")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    rows = commands(args.repeat)
    floor = statistics.median(rows[-1][1]) if rows[-1][0] == "pandoc --version" else None
    print(f"{'command':<24} {'median s':>9} {'min s':>7} {'max s':>7} {'x pandoc --version':>19}")
    for label, times in rows:
        ratio = f"{statistics.median(times) / floor:.1f}" if floor else "-"
        print(f"{label:<24} {statistics.median(times):>9.3f} {min(times):>7.3f} {max(times):>7.3f} {ratio:>19}")
    if floor is None:
        print("bench: no pandoc on the PATH, so no floor to compare with", file=sys.stderr)
    latencies, warm = preview(args.edits, args.repeat)
    print(f"{'serve: edit to page':<24} {statistics.median(latencies):>9.3f} {min(latencies):>7.3f} "
          f"{max(latencies):>7.3f} {'-':>19}")
    print(f"{'serve: first edit':<24} {latencies[0]:>9.3f} {'':>7} {'':>7} {'-':>19}")
    for label, times in warm:
        ratio = f"{statistics.median(times) / floor:.1f}" if floor else "-"
        print(f"{label:<24} {statistics.median(times):>9.3f} {min(times):>7.3f} {max(times):>7.3f} {ratio:>19}")
    print(f"median of {args.repeat} runs per command (of {len(latencies)} edits for serve, the first saved half a "
          f"second after serve started, as someone who starts it and types at once); commands run on {REPO} after "
          "one untimed run each; '(serve running)': on serve's clone, passed to its resident process")
    return 0


if __name__ == "__main__":
    sys.exit(main())
