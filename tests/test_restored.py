"""The candidates for a restored section file that one log pass finds (restored.Restarts), against the rule they
follow, written out plainly: for each addition, the deletions older than it at other paths, nearest first."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from coe_paper.restored import MAX_ELSEWHERE, Restart, Restarts

PATHS = ("sections/a.md", "sections/b.md", "sections/c.md")
_CHANGE = st.tuples(st.sampled_from("AMD"), st.sampled_from(PATHS), st.sampled_from(("c1", "c2", "c3", "c4")),
                    st.sampled_from((None, *PATHS)))


def _plainly(changes: list[tuple[str, str, str, str | None]], added: list[tuple[str, Restart]]
             ) -> dict[str, list[Restart]]:
    """The rule: every change numbered in log order; each addition of a current file not already found gets the
    first MAX_ELSEWHERE deletions after it in the log at another path, of no file or of that file."""
    place = {(path, commit): n for n, (status, path, commit, current) in enumerate(changes)
             if status == "A" and current is not None}
    found = [(place.get((r.path, r.added), -1), current, r) for current, r in added]
    for n, (status, path, commit, current) in enumerate(changes):
        if status != "A" or current is None or any(c == current and r.added == commit for c, r in added):
            continue
        gone = [(at, old) for m, (kind, old, at, owner) in enumerate(changes)
                if kind == "D" and m > n and old != path and owner in (None, current)]
        found += [(n, current, Restart(path, commit, at, old)) for at, old in gone[:MAX_ELSEWHERE]]
    by_path: dict[str, list[Restart]] = {}
    for _, current, restart in sorted(found, key=lambda entry: entry[0]):
        by_path.setdefault(current, []).append(restart)
    return by_path


@settings(max_examples=300)
@given(st.lists(_CHANGE, max_size=40), st.lists(st.tuples(st.sampled_from(PATHS), st.integers(0, 39)), max_size=3))
def test_each_addition_gets_the_nearest_older_deletions_elsewhere(changes: list[tuple[str, str, str, str | None]],
                                                                  picks: list[tuple[str, int]]) -> None:
    restarts = Restarts()
    for status, path, commit, current in changes:
        restarts.seen(status, path, commit, current)
    added = [(current, Restart(changes[n][1], changes[n][2], "d9", changes[n][1])) for current, n in picks
             if n < len(changes)]
    for current, restart in added:
        restarts.add(current, restart)
    assert restarts.found() == _plainly(changes, added)


def test_an_addition_after_many_deletions_takes_only_the_nearest() -> None:
    """Twenty deletions at other paths older than an addition: the eight nearest are its candidates, in order."""
    restarts = Restarts()
    restarts.seen("A", "sections/new.md", "c0", "sections/new.md")
    for n in range(20):
        restarts.seen("D", f"sections/old{n}.md", f"d{n}", None)
    found = restarts.found()["sections/new.md"]
    assert [r.old for r in found] == [f"sections/old{n}.md" for n in range(MAX_ELSEWHERE)]
