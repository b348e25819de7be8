"""Benchmark `coe-paper assemble` against pandoc on synthetic paper projects.

Generates a deterministic paper project (N sections of about W words of realistic Markdown each), then times
the real CLI end to end and pandoc converting the same Markdown to .docx, each in its own child process whose
peak RSS comes from os.wait4. Prints a table; `--profile` runs the pipeline in-process under cProfile instead.

    python bench/bench_assemble.py [--sizes bundled,15x700,300x1000] [--repeat 3] [--keep DIR] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
EPOCH = "1700000000"

# Plain policy vocabulary: no term from the inclusive-language list, so the synthetic paper validates cleanly.
_VOCABULARY = (
    "city cities urban partnership equality inclusion housing services transport energy transition climate "
    "residents neighbourhood community public space policy measure programme funding investment region local "
    "authority member country network data indicator survey participation governance budget renovation access "
    "accessible design safety health education employment training mobility women men young people older "
    "persons disabilities migrants Roma families children carers workers tenants owners schools libraries "
    "parks streets buildings districts heating renewable insulation subsidy grant loan instrument cohesion "
    "fund plan strategy action monitoring evaluation evidence report guidance toolkit exchange learning "
    "practice example pilot project initiative cooperation dialogue consultation engagement outreach support "
    "advice one-stop shop low-income affordable social rental market displacement gentrification protection "
    "rights discrimination intersectional gender age disability religion ethnic origin socio-economic status "
    "European Commission Rome ANCT Leipzig Tampere Barcelona Vienna Lisbon Warsaw Athens Dublin"
)
_GLUE = "the of and to in for with on by as at from that which their its is are can will should"
WORDS, GLUE = _VOCABULARY.split(), _GLUE.split()
SCHEMES = ("https://ec.europa.eu/", "https://www.urbanagenda.eu/", "https://example.org/")


@dataclass(frozen=True)
class Size:
    sections: int
    words: int

    @property
    def label(self) -> str:
        return f"{self.sections}x{self.words}" if self.sections else "bundled"


BUNDLED = Size(0, 0)  # this repository's own paper, cloned


def parse_sizes(text: str) -> list[Size]:
    sizes = []
    for part in text.split(","):
        if part.strip() == "bundled":
            sizes.append(BUNDLED)
            continue
        match = re.fullmatch(r"\s*(\d+)x(\d+)\s*", part)
        if not match:
            raise argparse.ArgumentTypeError(f"size '{part}' is not SECTIONSxWORDS, e.g. 300x1000, or 'bundled'")
        sizes.append(Size(int(match.group(1)), int(match.group(2))))
    return sizes


# -- generating a project ------------------------------------------------------------------------------------
def upper_first(text: str) -> str:
    """The text with its first letter in capitals (str.capitalize would lower the names after it)."""
    return text[:1].upper() + text[1:]


class Writer:
    """Writes one section body of about `budget` words with seeded randomness."""

    def __init__(self, rng: random.Random, ids: list[str], index: int) -> None:
        self.rng = rng
        self.ids = ids
        self.index = index
        self.words = 0
        self.footnotes: list[str] = []

    def phrase(self, lo: int, hi: int) -> str:
        n = self.rng.randint(lo, hi)
        self.words += n
        return " ".join(self.rng.choice(WORDS) if self.rng.random() < 0.7 else self.rng.choice(GLUE)
                        for _ in range(n))

    def sentence(self) -> str:
        rng = self.rng
        parts = [self.phrase(3, 8)]
        roll = rng.random()
        if roll < 0.12:
            parts.append(f"**{self.phrase(1, 3)}**")
        elif roll < 0.22:
            parts.append(f"*{self.phrase(1, 3)}*")
        elif roll < 0.28:
            parts.append(f"[{self.phrase(1, 3)}]({rng.choice(SCHEMES)}page-{rng.randint(1, 500)})")
        elif roll < 0.32:
            parts.append(f"[{self.phrase(1, 3)}](#{rng.choice(self.ids)})")
        elif roll < 0.34:
            parts.append(f"`{rng.choice(WORDS)}`")
        parts.append(self.phrase(3, 10))
        text = " ".join(parts)
        if rng.random() < 0.04 and len(self.footnotes) < 4:
            self.footnotes.append(f"{upper_first(self.phrase(6, 14))}.")
            text += f"[^{len(self.footnotes)}]"
        return text[0].upper() + text[1:] + "."

    def paragraph(self) -> str:
        lines: list[str] = []
        width = 0
        words: list[str] = []
        for _ in range(self.rng.randint(2, 5)):
            words.extend(self.sentence().split(" "))
        for word in words:  # wrap at about 100 columns, as people's editors do (soft breaks)
            if width + len(word) > 100 and lines:
                lines.append("\n")
                width = 0
            elif lines:
                lines.append(" ")
            lines.append(word)
            width += len(word) + 1
        return "".join(lines)

    def bullet_list(self, ordered: bool) -> str:
        items = []
        for n in range(1, self.rng.randint(3, 6) + 1):
            marker = f"{n}." if ordered else "-"
            items.append(f"{marker} {self.sentence()}")
            if not ordered and self.rng.random() < 0.15:
                items.append(f"  - {self.sentence()}")
        return "\n".join(items)

    def table(self) -> str:
        head = "| Measure | Group | Budget (EUR) | Status |\n|---|---|--:|:-:|"
        rows = []
        for _ in range(self.rng.randint(3, 7)):
            budget = f"{self.rng.randint(10, 999) * 1000:,}".replace(",", "\u00a0")  # 12 500, as the EU writes it
            cells = [self.phrase(1, 3), self.phrase(1, 2), budget,
                     self.rng.choice(["planned", "running", "done"])]
            rows.append("| " + " | ".join(cells) + " |")
        return "\n".join([head, *rows])

    def body(self, budget: int, with_table: bool) -> str:
        blocks: list[str] = []
        since_heading = -1  # words since the last `##`; -1: none yet, so the body starts with one
        while self.words < budget:
            if since_heading < 0 or since_heading >= 250:
                blocks.append(f"## {upper_first(self.phrase(2, 5))}")
                since_heading = 0
            elif since_heading >= 120 and self.rng.random() < 0.3:
                blocks.append(f"### {upper_first(self.phrase(2, 4))}")
            start = self.words
            roll = self.rng.random()
            if roll < 0.15:
                blocks.append(self.bullet_list(ordered=False))
            elif roll < 0.22:
                blocks.append(self.bullet_list(ordered=True))
            elif roll < 0.25:
                blocks.append(f"> {self.sentence()}")
            else:
                blocks.append(self.paragraph())
            since_heading += self.words - start
        if with_table:
            blocks.insert(len(blocks) // 2, self.table())
        blocks += [f"[^{n}]: {text}" for n, text in enumerate(self.footnotes, start=1)]
        return "\n\n".join(blocks) + "\n"


def generate(root: Path, size: Size, seed: int = 20240131) -> list[tuple[str, str, str]]:
    """Write a paper project under `root`; returns (id, title, body) per section in outline order."""
    rng = random.Random(seed)
    (root / "paper").mkdir(parents=True)
    (root / "sections").mkdir()
    shutil.copy(REPO / "paper" / "template.docx", root / "paper" / "template.docx")
    shutil.copytree(REPO / "paper" / "templates", root / "paper" / "templates")
    shutil.copy(REPO / "contributors.yaml", root / "contributors.yaml")
    members = yaml.safe_load((REPO / "contributors.yaml").read_text())["organisations"]
    orgs = [org["id"] for org in members]
    emails = {org["id"]: (org.get("emails") or [f"office@{(org.get('domains') or ['example.org'])[0]}"])[0]
              for org in members}
    ids = [f"section-{index:03d}" for index in range(1, size.sections + 1)]
    outline = [{"id": sid, "required": True, "min_words": 0, "max_words": size.words * 2 + 200} for sid in ids]
    config = {
        "title": "Orientation Paper", "subtitle": "Synthetic benchmark paper", "language": "en-GB",
        "status": "Draft", "output": "build/paper.docx", "template": "paper/template.docx",
        "templates": "paper/templates", "outline": outline,
    }
    (root / "paper" / "paper.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    sections = []
    by_lead: dict[str, list[str]] = {}
    for index, sid in enumerate(ids, start=1):
        writer = Writer(rng, ids, index)
        title = upper_first(writer.phrase(3, 6))
        body = writer.body(size.words, with_table=index % 4 == 0)
        lead, *others = rng.sample(orgs, 3)
        front = {"id": sid, "title": title, "lead": lead, "contributors": others,
                 "status": rng.choice(["draft", "review", "final"])}
        text = "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n\n" + body
        name = f"{index:03d}-{sid}.md"
        (root / "sections" / name).write_text(text, encoding="utf-8")
        by_lead.setdefault(lead, []).append(f"sections/{name}")
        sections.append((sid, title, body))
    _commit(root, by_lead, emails)
    return sections


def bundled(root: Path) -> list[tuple[str, str, str]]:
    """A clone of this repository's paper (its committed state); (id, title, body) per section, in file order."""
    subprocess.run(["git", "clone", "-q", str(REPO), str(root)], check=True, capture_output=True)
    sections = []
    for path in sorted((root / "sections").glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        sections.append((str(meta["id"]), str(meta["title"]), body))
    return sections


def _commit(root: Path, by_lead: dict[str, list[str]], emails: dict[str, str]) -> None:
    """A git history as the partnership's would be: the setup by the coordinator, then one commit per lead
    organisation with its sections, by that organisation's identity (so attribution maps every line)."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args: str, who: str = "rome", day: int = 1) -> None:
        date = f"2024-02-{day:02d}T10:00:00Z"
        ident = ["-c", f"user.name={who}", "-c", f"user.email={emails[who]}"]
        subprocess.run(["git", "-C", str(root), *ident, *args], check=True, capture_output=True,
                       env={**env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})

    git("init", "-q", "-b", "main")
    git("add", "paper", "contributors.yaml")
    git("commit", "-q", "-m", "Set up the paper")
    for day, (lead, paths) in enumerate(sorted(by_lead.items()), start=2):
        git("add", *paths, who=lead)
        git("commit", "-q", "-m", f"Sections led by {lead}", who=lead, day=min(day, 28))


def pandoc_markdown(sections: list[tuple[str, str, str]]) -> str:
    """One Markdown file: each section's title as a level-1 heading carrying its id, then its body; footnote
    labels are made unique, since pandoc's are document-wide while coe-paper's are per section."""
    parts = []
    for sid, title, body in sections:
        renamed = re.sub(r"\[\^(\d+)\]", rf"[^{sid}-\1]", body)
        parts.append(f"# {title} {{#{sid}}}\n\n{renamed}")
    return "\n\n".join(parts)


# -- measuring -----------------------------------------------------------------------------------------------
@dataclass
class Run:
    seconds: float  # wall
    cpu: float  # user + system of the child and the children it waited for (git, for coe-paper)
    max_rss_kib: int  # the child's own peak resident set


def measure(cmd: list[str], env: dict[str, str]) -> Run:
    """Run `cmd` as a child; wall time and that child's own peak RSS (os.wait4 gives per-process rusage)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exited {proc.returncode}: {stderr.decode(errors='replace')[-2000:]}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


FLOOR = "floor (parse, serialise, zip)"
LIBRARIES = "libraries (start, open, save)"
#: The least a command built on the libraries coe-paper chose can take, for a floor under "alone" (a command in a
#: process of its own): Python, typer (which checks each option with pydantic), pydantic and python-docx started,
#: assemble's options parsed, one model validated, and the paper's template opened and saved as the output.
LIBRARIES_CODE = """
from pathlib import Path
import typer
app = typer.Typer(add_completion=False)
@app.command()
def assemble(template: Path, output: Path = typer.Option(..., "-o"), force: bool = False,
             layout: bool = typer.Option(True, "--layout/--no-layout")) -> None:
    import docx, pydantic
    class Paper(pydantic.BaseModel):
        title: str
    Paper.model_validate({"title": "Orientation Paper"})
    docx.Document(str(template)).save(str(output))
app()
"""


def floor_work(project: Path, docx: Path) -> float:
    """The floor of a build, as the speed issue defines it: every section parsed with markdown-it, then the
    document's XML serialised and zipped. Seconds of that work alone, in one process, after its imports and after
    reading the files (the XML of coe-paper's last output is parsed first, untimed, to have a tree to serialise)."""
    import zipfile

    from lxml import etree

    from coe_paper.markdown import content_parser  # coe-paper's configuration of markdown-it

    parser = content_parser()
    bodies = [path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
              for path in sorted((project / "sections").glob("*.md"))]
    with zipfile.ZipFile(docx) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    trees = {name: etree.fromstring(data) for name, data in parts.items() if name.endswith((".xml", ".rels"))}
    start = time.perf_counter()
    for body in bodies:
        parser.parse(body)
    with zipfile.ZipFile(io.BytesIO(), "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            tree = trees.get(name)
            archive.writestr(name, data if tree is None else etree.tostring(tree, encoding="UTF-8", standalone=True))
    return time.perf_counter() - start


def coe_paper_cmd(resident: bool = False) -> list[str]:
    """This checkout's coe-paper (the child gets `src/` first on its PYTHONPATH, see `child_env`): run in its own
    process, or passed to the resident process when there is one (the `coe-paper` command)."""
    return [sys.executable, "-c", f"from coe_paper.{'resident' if resident else 'cli'} import run; run()"]


@contextmanager
def resident_process(project: Path, env: dict[str, str], held: list[float]) -> Iterator[None]:
    """The project's resident process, started as a first command typed at a terminal starts it (here asked for with
    `COE_PAPER_RESIDENT=1`), listening until the block ends; its own peak memory in MB (Linux) is added to `held` as
    it ends."""
    sys.path.insert(0, str(REPO / "src"))  # this checkout's coe-paper, as the children's PYTHONPATH has it
    from coe_paper.resident import socket_path

    first = [*coe_paper_cmd(True), "--project", str(project), "status"]
    subprocess.run(first, env={**env, "COE_PAPER_RESIDENT": "1"}, capture_output=True, check=True)
    path = socket_path(str(project.resolve()), create=False)
    probe = "import sys; sys.modules['typer'] = None; " + first[2]  # runs only where typer is already imported
    deadline = time.monotonic() + 120
    while subprocess.run([first[0], "-c", probe, *first[3:]], env=env, capture_output=True).returncode != 0:
        if path is None or time.monotonic() > deadline:
            raise RuntimeError("the resident process did not start")
        time.sleep(0.2)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as asking:  # the kernel says who listens
        asking.connect(path)
        pid = struct.unpack("3i", asking.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0]
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
            held.extend(int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:"))
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)  # it removes its socket as it ends


def child_env() -> dict[str, str]:
    """The children's environment: this checkout first on the path, a fixed date, and Python's bytecode cache on
    (as for an installed package; a PYTHONDONTWRITEBYTECODE left in the environment would time compiling)."""
    path = os.pathsep.join(p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": path}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def pandocs() -> dict[str, str]:
    """The pandocs to time against: pandoc 3 from pypandoc-binary (the `bench` extra), and the one on the PATH."""
    found: dict[str, str] = {}
    try:
        import pypandoc  # type: ignore[import-untyped]

        path = pypandoc.get_pandoc_path()
        found[f"pandoc {pypandoc.get_pandoc_version()}"] = path
    except (ImportError, OSError) as exc:
        print(f"bench: no pandoc from pypandoc-binary ({exc}); pip install -e '.[bench]'", file=sys.stderr)
    system = shutil.which("pandoc")
    if system is not None and system not in found.values():
        version = subprocess.run([system, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        found[version.strip()] = system
    return found


@dataclass
class Result:
    tool: str
    first: Run  # coe-paper's first run is the cold one: no blame cache yet
    best: Run
    median: float
    peak_rss_kib: int
    docx_bytes: int


#: How coe-paper is timed: every run cold (the section caches removed; the blame cache kept), warm (nothing changed
#: since the run before), after one section changed (a new sentence in the next section each run), and `validate`
#: after one section changed.
MODES = ("cold", "warm", "up to date", "1 edit", "1 edit, a slip", "validate 1 edit")
#: The same commands passed to the project's resident process (as while `coe-paper serve` runs).
RESIDENT_MODES = ("resident cold", "resident warm", "resident 1 edit", "resident validate 1 edit")


def clear_section_caches(project: Path) -> None:
    """Every pack (the rendered bodies, the bodies as placed, the contents and the deflated pieces among them), and
    the folders older versions kept those in."""
    cache = project / ".git" / "coe-paper-cache"
    kept = [cache / kind for kind in ("fragments", "placed", "contents", "deflate")]
    for entry in [*cache.glob("sections*"), *cache.glob("*.pack"), *kept]:
        if entry.is_dir():
            shutil.rmtree(entry)
        elif entry.exists():
            entry.unlink()


#: Words the generated paper does not use, one for each edit: a member's edit brings words no earlier run has
#: looked up in the spelling dictionary.
NEW_WORDS = ("allotment", "thoroughfare", "lighthouse", "harbour", "quayside", "boulevard", "viaduct", "marketplace",
             "courtyard", "footbridge", "towpath", "embankment", "promenade", "almshouse", "orchard", "meadow",
             "hedgerow", "granary", "tannery", "brewery")


def edit_one_section(project: Path, count: int, slip: bool = False) -> None:
    """Add a sentence with a new word to one section (the next one each time), as a member's edit would; with
    `slip`, the word is misspelt (its third letter left out, a later one after 40 edits), so the dictionary is asked
    for suggestions."""
    files = sorted((project / "sections").glob("*.md"))
    target = files[count % len(files)]
    word = NEW_WORDS[count % len(NEW_WORDS)] + "s" * (count // len(NEW_WORDS) % 2)
    cut = 2 + count // (2 * len(NEW_WORDS)) % (len(word) - 3)  # another letter once the words come round again
    word = word[:cut] + word[cut + 1 :] if slip else word
    with target.open("a", encoding="utf-8") as handle:
        handle.write(f"\nThe partnership adds the {word} as finding number {count + 1} to this section.\n")


def bench_size(size: Size, repeat: int, keep: Path | None, layout: bool = False) -> tuple[list[Result], list[float]]:
    holder = tempfile.TemporaryDirectory(prefix=f"coe-bench-{size.label}-")
    work = Path(holder.name)
    try:
        project = work / "project"
        sections = bundled(project) if size == BUNDLED else generate(project, size)
        markdown = work / "pandoc-input.md"
        markdown.write_text(pandoc_markdown(sections), encoding="utf-8")
        env = child_env()
        outputs = {f"coe-paper {mode}": work / "coe-paper.docx" for mode in (*MODES, *RESIDENT_MODES)}
        commands: dict[str, list[str]] = {}
        for resident in (False, True):
            assemble = [*coe_paper_cmd(resident), "--project", str(project), "assemble", "-o",
                        str(work / "coe-paper.docx"), *([] if layout else ["--no-layout"])]
            validate = [*coe_paper_cmd(resident), "--project", str(project), "validate"]
            for mode in RESIDENT_MODES if resident else MODES:
                commands[f"coe-paper {mode}"] = validate if "validate" in mode else assemble
            for mode in ("cold", "warm"):  # builds, whatever changed
                commands[f"coe-paper {'resident ' if resident else ''}{mode}"] = [*assemble, "--force"]
        for index, (name, binary) in enumerate(pandocs().items()):
            outputs[name] = work / f"pandoc-{index}.docx"
            commands[name] = [binary, "-f", "markdown", "-t", "docx", "--toc", "--toc-depth=2",
                              f"--reference-doc={project / 'paper' / 'template.docx'}",
                              f"--resource-path={project / 'sections'}",  # pictures, as the sections name them
                              "-o", str(outputs[name]), str(markdown)]
        floor_out = work / "floor.txt"
        commands[FLOOR] = [sys.executable, str(Path(__file__).resolve()), "--floor", str(project),
                           str(work / "coe-paper.docx"), str(floor_out)]
        outputs[FLOOR] = work / "coe-paper.docx"
        outputs[LIBRARIES] = work / "libraries.docx"
        commands[LIBRARIES] = [sys.executable, "-c", LIBRARIES_CODE, str(project / "paper" / "template.docx"),
                               "-o", str(outputs[LIBRARIES]), "--force", "--no-layout"]
        runs: dict[str, list[Run]] = {name: [] for name in commands}
        edits = 0
        held: list[float] = []
        with resident_process(project, env, held):
            for _ in range(repeat):  # interleaved, so drift in machine load hits all alike
                for name, cmd in commands.items():
                    if name.endswith(" cold"):
                        clear_section_caches(project)
                    elif "1 edit" in name:
                        edit_one_section(project, edits, slip=name.endswith("a slip"))
                        edits += 1
                    run = measure(cmd, env)
                    if name == FLOOR:  # the work alone, as the child measured it
                        run = Run(float(floor_out.read_text(encoding="utf-8")), run.cpu, run.max_rss_kib)
                    runs[name].append(run)
        results = []
        for name, out in outputs.items():
            done = runs[name]
            best = min(done, key=lambda run: run.seconds)
            median = sorted(run.seconds for run in done)[len(done) // 2]
            results.append(Result(name, done[0], best, median, max(r.max_rss_kib for r in done),
                                  out.stat().st_size))
        if keep is not None:
            target = keep / size.label
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(work, target)
        return results, held
    finally:
        holder.cleanup()


def profile(size: Size, top: int = 25) -> str:
    from coe_paper import pipeline  # imported here: only the profile needs the package in-process

    with tempfile.TemporaryDirectory(prefix="coe-bench-profile-") as tmp:
        project = Path(tmp) / "project"
        bundled(project) if size == BUNDLED else generate(project, size)
        os.environ["SOURCE_DATE_EPOCH"] = EPOCH
        profiler = cProfile.Profile()
        profiler.enable()
        result = pipeline.assemble(project, Path(tmp) / "out.docx")
        profiler.disable()
        if result.output is None:
            raise RuntimeError(f"assemble failed: {result.diagnostics[:5]}")
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
        return stream.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes("bundled,15x700,300x1000"),
                        help="SECTIONSxWORDS or 'bundled', comma-separated (default: all three)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the best time is reported")
    parser.add_argument("--keep", type=Path, help="copy each generated project and its outputs here")
    parser.add_argument("--profile", action="store_true", help="profile the pipeline in-process instead")
    parser.add_argument("--layout", action="store_true", help="include the LibreOffice layout pass (no --no-layout)")
    parser.add_argument("--floor", nargs=3, type=Path, metavar=("PROJECT", "DOCX", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:  # a child of the benchmark: time the floor's work and write the seconds to OUT
        project, docx, out = args.floor
        out.write_text(f"{floor_work(project, docx):.6f}", encoding="utf-8")
        return 0
    if args.profile:
        for size in args.sizes:
            print(f"== profile {size.label} ==")
            print(profile(size))
        return 0
    if not pandocs():
        print("bench: no pandoc (pip install -e '.[bench]' for pandoc 3)", file=sys.stderr)
        return 1
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    pandoc_names = list(pandocs())
    _load("at the start")
    print(f"{'size':<10} {'tool':<36} {'first s':>8} {'best s':>8} {'median s':>9} {'cpu s':>7} {'peak MB':>8} "
          f"{'docx KB':>8} " + " ".join(f"{'/ ' + name:>18}" for name in [*pandoc_names, "floor"]))
    for size in args.sizes:
        try:
            results, held = bench_size(size, max(1, args.repeat), args.keep, args.layout)
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            print(f"bench: {size.label}: {exc}", file=sys.stderr)
            return 1
        by_tool = {r.tool: r for r in results}
        for r in results:
            ratios = [f"{r.median / by_tool[name].median:>18.2f}" if r.tool.startswith("coe-paper")
                      or (r.tool == LIBRARIES and name != FLOOR) else " " * 18 for name in [*pandoc_names, FLOOR]]
            size_kb = "" if r.tool == FLOOR else f"{r.docx_bytes / 1024:.0f}"  # it writes no document
            print(f"{size.label:<10} {r.tool:<36} {r.first.seconds:>8.3f} {r.best.seconds:>8.3f} {r.median:>9.3f} "
                  f"{r.best.cpu:>7.3f} {r.peak_rss_kib / 1024:>8.1f} {size_kb:>8} "
                  + " ".join(ratios), flush=True)
        for megabytes in held:
            print(f"{size.label:<10} {'(the resident process itself)':<36} {'':>8} {'':>8} {'':>9} {'':>7} "
                  f"{megabytes:>8.1f}", flush=True)
    print("median/best s: of the runs (interleaved); / pandoc: coe-paper's median over that pandoc's median; peak: the"
          " largest resident memory of the runs, per process (os.wait4). coe-paper cold: its section caches removed"
          " before each run (the blame cache kept); warm: nothing changed, built with --force; up to date: nothing"
          " changed (assemble finds its record and builds nothing); 1 edit: a sentence with a word no run has looked"
          " up added to one section before each run; 1 edit, a slip: the same with the word misspelt (suggestions are"
          " looked for); resident: the same command passed by `coe-paper` to the project's resident process (started by"
          " a first command as at a terminal; `coe-paper serve` keeps one too), time and memory of the calling process;"
          f" {FLOOR}: the work the speed issue calls a build's floor (every section parsed with markdown-it, the"
          " document's XML serialised and zipped) timed inside one process, its cpu and memory those of that process;"
          f" / floor: coe-paper's median over the floor's median; {LIBRARIES}: a command of a few lines on typer,"
          " pydantic and python-docx that parses assemble's options, validates one model and opens and saves the"
          " template, the least a command of its own process built on these libraries can take")
    _load("at the end")
    return 0


def _load(when: str) -> None:
    """The machine's load average and processors: coe-paper's builds use every processor, pandoc one, so another
    program running at the same time moves the ratios (a run with a load near the processors' count is not one to
    compare)."""
    if hasattr(os, "getloadavg"):
        one, five, _ = os.getloadavg()
        print(f"load average {when}: {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} processors",
              flush=True)


if __name__ == "__main__":
    sys.exit(main())
