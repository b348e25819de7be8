"""Benchmark git attribution on a generated repository: 300 sections, 2,000 commits, 60 authors.

    python bench/bench_attribution.py [--sections 300] [--commits 2000] [--authors 60] [--workers N] [--keep DIR]

The repository is written with `git fast-import` (seconds, not minutes): one commit adding every section, then
commits that each rewrite or append lines in one to three sections, with `Co-authored-by:` trailers on every
tenth commit, a rename every fiftieth, a merged side branch every hundredth, and some authors that map to no
member (to exercise COE203). The script then times `attribution.history_of` cold (no blame cache), warm (cache
filled) and after one new commit, and counts the git processes each run spawned.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coe_paper import pipeline
from coe_paper.attribution import History, history_of
from coe_paper.store import CACHE_DIR

EPOCH = 1_706_700_000  # 31 January 2024
WORDS = ("equal", "cities", "housing", "transition", "members", "inclusion", "data", "policy", "urban", "people",
         "services", "access", "fair", "energy", "partnership", "rights", "local", "europe", "community", "plan")


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."


class Generator:
    """Writes a fast-import stream for a paper project with a long, many-author history."""

    def __init__(self, sections: int, commits: int, authors: int, seed: int = 2024) -> None:
        self.rng = random.Random(seed)
        self.sections, self.commits, self.authors = sections, commits, authors
        self.orgs = [f"org-{n:02d}" for n in range(max(1, authors // 2))]
        # Two authors per organisation (one by exact e-mail, one by domain); every sixth author maps to no one.
        self.people = [(f"Author {n:02d}", f"author{n:02d}@{'gmail.example' if n % 6 == 5 else self.orgs[n // 2]}.eu")
                       for n in range(authors)]
        self.paths = [f"sections/{n:03d}-section-{n:03d}.md" for n in range(sections)]
        self.bodies = [[sentence(self.rng) for _ in range(self.rng.randint(20, 60))] for _ in range(sections)]
        self.out: list[bytes] = []
        self.mark = 0
        self.time = EPOCH

    def data(self, text: str) -> None:
        raw = text.encode()
        self.out.append(b"data %d\n%s\n" % (len(raw), raw))

    def file(self, index: int) -> None:
        front = (f"---\nid: section-{index:03d}\ntitle: Section {index}\nlead: {self.orgs[index % len(self.orgs)]}\n"
                 f"contributors: []\nstatus: draft\n---\n\n## Section {index}\n\n")
        self.out.append(f"M 100644 inline {self.paths[index]}\n".encode())
        self.data(front + "\n".join(self.bodies[index]) + "\n")

    def commit(self, branch: str, author: int, message: str, merge: int | None = None) -> int:
        self.mark += 1
        self.time += self.rng.randint(600, 7200)
        name, email = self.people[author]
        self.out.append(f"commit refs/heads/{branch}\nmark :{self.mark}\n".encode())
        self.out.append(f"author {name} <{email}> {self.time} +0000\n".encode())
        self.out.append(f"committer {name} <{email}> {self.time} +0000\n".encode())
        self.data(message)
        if merge is not None:
            self.out.append(f"merge :{merge}\n".encode())
        return self.mark

    def edit(self, index: int) -> None:
        body = self.bodies[index]
        for _ in range(self.rng.randint(1, 4)):
            if self.rng.random() < 0.6:
                body[self.rng.randrange(len(body))] = sentence(self.rng)
            else:
                body.insert(self.rng.randrange(len(body) + 1), sentence(self.rng))
        self.file(index)

    def stream(self) -> bytes:
        self.commit("main", 0, "Outline and first drafts")
        self.out.append(b"M 100644 inline paper/paper.yaml\n")
        outline = "".join(f"  - id: section-{n:03d}\n    required: false\n" for n in range(self.sections))
        self.data(f"title: Benchmark paper\noutline:\n{outline}")
        self.out.append(b"M 100644 inline contributors.yaml\n")
        self.data("organisations:\n" + "".join(
            f"  - id: {org}\n    name: Organisation {n}\n    kind: city\n    country: IT\n"
            f"    emails: [author{2 * n:02d}@{org}.eu]\n    domains: [{org}.eu]\n"
            for n, org in enumerate(self.orgs)))
        for index in range(self.sections):
            self.file(index)
        side_from = 0
        for number in range(1, self.commits):
            author = self.rng.randrange(self.authors)
            message = f"Edit {number}\n"
            if number % 10 == 0:
                co_name, co_email = self.people[self.rng.randrange(self.authors)]
                message += f"\nCo-authored-by: {co_name} <{co_email}>\n"
            if number % 100 == 50:  # start a side branch here; it is merged back 30 commits later
                side_from = self.mark
            if number % 100 == 60 and side_from:
                self.out.append(b"reset refs/heads/side\n" + f"from :{side_from}\n\n".encode())
                self.commit("side", author, f"Side edit {number}\n")
                self.edit(self.rng.randrange(self.sections))
                side_mark = self.mark
                self.commit("main", author, f"Merge side {number}\n", merge=side_mark)
                continue
            self.commit("main", author, message)
            if number % 50 == 25:
                index = self.rng.randrange(self.sections)
                new = self.paths[index].replace(".md", "-renamed.md")
                self.out.append(f"R {self.paths[index]} {new}\n".encode())
                self.paths[index] = new
            for index in self.rng.sample(range(self.sections), self.rng.randint(1, 3)):
                self.edit(index)
        self.out.append(b"done\n")
        return b"".join(self.out)


def git(root: Path, *args: str, data: bytes | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    proc = subprocess.run(["git", "-C", str(root), *args], input=data, env=env, capture_output=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"git {args[0]} failed: {proc.stderr.decode(errors='replace')}")
    return proc.stdout.decode()


def run(root: Path, workers: int | None, use_cache: bool = True) -> tuple[float, History]:
    loaded = pipeline.load(root)
    assert loaded.project is not None, loaded.diagnostics[:3]
    start = time.perf_counter()
    history = history_of(loaded.project, root, use_cache=use_cache, workers=workers)
    return time.perf_counter() - start, history


def naive(root: Path, paths: list[str]) -> tuple[float, int]:
    """The obvious alternative for the commit lists: one `git log --follow` per section file, one after another."""
    start = time.perf_counter()
    for path in paths:
        git(root, "log", "--follow", "--format=%H %ae", "--", path)
    return time.perf_counter() - start, len(paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=300)
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--authors", type=int, default=60)
    parser.add_argument("--workers", type=int, default=None, help="blame processes at once (default: CPUs)")
    parser.add_argument("--keep", type=Path, default=None, help="write the repository here and keep it")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="coe-bench-"))
    root = args.keep or work / "paper"
    try:
        root.mkdir(parents=True, exist_ok=True)
        git(root, "init", "-q", "--initial-branch=main")
        start = time.perf_counter()
        generator = Generator(args.sections, args.commits, args.authors)
        git(root, "fast-import", "--quiet", data=generator.stream())
        git(root, "checkout", "-q", "-f", "main")
        generated = time.perf_counter() - start
        count = int(git(root, "rev-list", "--count", "HEAD"))
        authors = len(set(git(root, "log", "--format=%ae").split()))

        load_start = time.perf_counter()
        loaded = pipeline.load(root)
        load_time = time.perf_counter() - load_start
        assert loaded.project is not None
        shutil.rmtree(root / ".git" / CACHE_DIR, ignore_errors=True)
        rows = [("cold (no cache)", *run(root, args.workers)), ("warm (cache)", *run(root, args.workers))]
        index = 7
        path = next(s.path for s in loaded.project.sections if s.id == f"section-{index:03d}")
        with (root / path).open("a", encoding="utf-8") as handle:
            handle.write("One more line.\n")
        git(root, "-c", "user.name=Author 00", "-c", "user.email=author00@org-00.eu", "commit", "-q", "-am", "One more")
        rows.append(("after 1 new commit", *run(root, args.workers)))
        rows.append(("no cache, no graph", *run(root, args.workers, use_cache=False)))
        naive_time, naive_processes = naive(root, [s.path for s in loaded.project.sections])

        history = rows[0][2]
        cached, plain = rows[2][2], rows[3][2]  # same commit: cache + commit-graph against neither must agree
        for path, found in cached.sections.items():
            other = plain.sections[path]
            assert (found.lines_by_org, found.unmapped_lines, found.commits_by_org) == (
                other.lines_by_org, other.unmapped_lines, other.commits_by_org), path
        mapped = sum(s.lines - s.unmapped_lines for s in history.sections.values())
        total = sum(s.lines for s in history.sections.values())
        print(f"repository: {len(history.sections)} sections, {count} commits (incl. merges), {authors} authors, "
              f"{total} lines ({mapped / total:.1%} mapped to an organisation), "
              f"{sum(d.code == 'COE203' for d in history.diagnostics)} COE203 warnings")
        print(f"generated with git fast-import in {generated:.2f} s; pipeline.load of the project {load_time:.2f} s")
        print(f"blame workers: {args.workers or max(2, os.cpu_count() or 2)} (CPUs: {os.cpu_count()})\n")
        print(f"{'run':<22} {'seconds':>8} {'git processes':>14} {'cache hits':>11}")
        for label, seconds, result in rows:
            print(f"{label:<22} {seconds:>8.2f} {result.processes:>14} {result.cache_hits:>11}")
        print(f"{'naive log --follow':<22} {naive_time:>8.2f} {naive_processes:>14} {'-':>11}"
              "   (commit lists only, one process per file)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
