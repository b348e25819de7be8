"""Time `coe-paper import` on a generated 100-page, 50,000-word Word draft (goal: under 2 s).

The draft is written by pandoc from seeded Markdown (so every run gets the same text): `##`/`###` headings,
paragraphs of about 120 words with bold, italic, code and links, bullet lists (some nested), numbered lists, a table
every few pages and a footnote every few paragraphs. The script times, best of --repeat runs:

- `read`: wordread.read alone (unzip, parse, walk);
- `convert`: importer.import_draft (read + Markdown), in-process;
- `cli`: the real command line in a fresh interpreter, `coe-paper --project DIR import DRAFT --id ... -o ...`,
  which also writes the file and validates it (Python start-up included).

    python bench/bench_import.py [--words 50000] [--repeat 3] [--keep DIR]
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

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from coe_paper import wordblocks, wordread  # noqa: E402
from coe_paper.importer import Options, import_draft  # noqa: E402

WORDS = ("equality", "city", "region", "housing", "access", "service", "public", "member", "partnership", "data",
         "group", "women", "people", "disability", "age", "transition", "energy", "fund", "measure", "action",
         "local", "urban", "policy", "survey", "inclusion")


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    words[rng.randrange(n)] = f"**{rng.choice(WORDS)}**"
    words[rng.randrange(n)] = f"*{rng.choice(WORDS)}*"
    if rng.random() < 0.2:
        words[rng.randrange(n)] = f"[{rng.choice(WORDS)}](https://example.org/{rng.choice(WORDS)})"
    if rng.random() < 0.1:
        words[rng.randrange(n)] = f"`{rng.choice(WORDS)}`"
    return " ".join(words).capitalize() + "."


def markdown(total: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    out = ["# A generated draft", ""]
    words = notes = 0
    while words < total:
        if words % 2000 < 130:
            out += [f"## Part {words // 2000 + 1}", ""]
        elif rng.random() < 0.15:
            out += [f"### {sentence(rng, 4)[:-1]}", ""]
        kind = rng.random()
        if kind < 0.12:
            for index in range(4):
                out.append(f"- {sentence(rng, 10)}")
                words += 10
                if index == 1:
                    out.append(f"    - {sentence(rng, 8)}")
                    words += 8
            out.append("")
        elif kind < 0.2:
            out += [f"{i}. {sentence(rng, 12)}" for i in range(1, 4)] + [""]
            words += 36
        elif kind < 0.24:
            out += ["| Group | City | Share |", "|---|---|--:|"]
            out += [f"| {rng.choice(WORDS)} | {rng.choice(WORDS)} | {rng.randrange(100)} |" for _ in range(6)] + [""]
            words += 18
        else:
            text = " ".join(sentence(rng, 15) for _ in range(8))
            if rng.random() < 0.3:
                notes += 1
                text += f"[^{notes}]"
                out += [f"[^{notes}]: {sentence(rng, 12)}", ""]
                words += 12
            out += [text, ""]
            words += 120
    return "\n".join(out)


def best(repeat: int, action: object) -> float:
    assert callable(action)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the generated files here")
    args = parser.parse_args()
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        sys.exit("bench_import needs pandoc to write the draft")
    folder = Path(args.keep or tempfile.mkdtemp(prefix="coe-bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "draft.md").write_text(markdown(args.words), encoding="utf-8")
    draft = folder / "draft.docx"
    subprocess.run([pandoc, "draft.md", "-o", draft.name], cwd=folder, check=True)
    project = folder / "project"
    if not project.exists():
        shutil.copytree(REPO / "paper", project / "paper", ignore=shutil.ignore_patterns("images"))
        shutil.copy(REPO / "contributors.yaml", project / "contributors.yaml")
        (project / "sections").mkdir()
    doc = wordread.read(draft)
    paragraphs = len(wordblocks.paragraphs(doc.blocks))
    doc.docx.close()

    def read() -> None:
        wordread.read(draft).docx.close()

    def convert() -> None:
        import_draft(draft, Options("next-steps"))

    def cli() -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        code = "import sys; from coe_paper.cli import run; sys.argv[0] = 'coe-paper'; run()"
        subprocess.run([sys.executable, "-c", code, "--project", str(project), "import", str(draft), "--id",
                        "next-steps", "--lead", "rome", "-o", str(project / "sections" / "10-next-steps.md")],
                       env=env, capture_output=True, check=False)

    imported = import_draft(draft, Options("next-steps"))
    words = len(imported.body.split())
    print(f"draft: {draft.stat().st_size // 1024} KB, {paragraphs} paragraphs, ~{args.words} words "
          f"({words} whitespace-separated tokens of Markdown)")
    for name, action in (("read", read), ("convert", convert), ("cli", cli)):
        print(f"{name:8} best of {args.repeat}: {best(args.repeat, action):.2f} s")
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
