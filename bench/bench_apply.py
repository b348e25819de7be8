"""Benchmark `coe-paper apply`: a reviewer's 500 tracked changes to the assembled 300-section paper, written back
into the sources (and `--dry-run`, which does all the work but the writing).

Generates the 300 x 1,000-word project of bench_assemble.py, assembles it, adds the edits with the test suite's
simulated reviewer (tests/reviewkit.py: words inserted, deleted and replaced, paragraphs and table rows inserted
and deleted, table cells edited), then times the real command line end to end.

    python bench/bench_apply.py [--sections 300] [--words 1000] [--edits 500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from bench_assemble import EPOCH, Size, coe_paper_cmd, generate  # noqa: E402

from reviewkit import edit_docx  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=300)
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    with tempfile.TemporaryDirectory(prefix="coe-bench-apply-") as tmp:
        root = Path(tmp) / "paper"
        generate(root, Size(args.sections, args.words))
        built = Path(tmp) / "paper.docx"
        subprocess.run([*coe_paper_cmd(), "--project", str(root), "assemble", "--no-layout", "-o", str(built)],
                       env=env, check=False, capture_output=True)
        if not built.exists():
            subprocess.run([*coe_paper_cmd(), "--project", str(root), "assemble", "-o", str(built)], env=env,
                           check=True, capture_output=True)
        reviewed = Path(tmp) / "reviewed.docx"
        kinds = edit_docx(built, reviewed, args.edits, seed=5)
        print(f"{sum(kinds.values())} edits: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
        times: dict[str, list[float]] = {"apply --dry-run": [], "apply": []}
        sections = root / "sections"
        pristine = Path(tmp) / "pristine"
        shutil.copytree(sections, pristine)
        for _ in range(args.repeat):
            for label, extra in (("apply --dry-run", ["--dry-run"]), ("apply", [])):
                start = time.perf_counter()
                proc = subprocess.run([*coe_paper_cmd(), "--project", str(root), "apply", str(reviewed), *extra,
                                       "--format", "json"], env=env, capture_output=True, text=True, check=False)
                times[label].append(time.perf_counter() - start)
                if proc.returncode not in (0, 1):
                    print(proc.stderr, file=sys.stderr)
                    return 1
                shutil.rmtree(sections)
                shutil.copytree(pristine, sections)
        for label, values in times.items():
            print(f"{label:16} best {min(values):.2f} s  median {statistics.median(values):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
