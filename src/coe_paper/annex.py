"""The annex's grouping of member organisations, as EU documents list them: organisations from Member States in
the protocol order of their country, then EU-level networks and associations, then the Commission's services and
other EU bodies. The kind of each organisation comes from `contributors.yaml`."""

from __future__ import annotations

from typing import Any

from .model import Contributor, protocol_key

#: (key, heading) of each group, in the order the annex prints them.
GROUPS: tuple[tuple[str, str], ...] = (
    ("member-states", "Organisations from Member States"),
    ("networks", "EU-level networks and associations"),
    ("eu-bodies", "European Commission services and other EU bodies"),
)


#: Kinds of organisation that belong to a Member State whatever country they are given: a city is never an EU body.
LOCAL_KINDS = frozenset({"city", "metropolitan-area", "region", "member-state"})


def group_of(contributor: Contributor) -> str:
    """The annex group of an organisation: by its country or its local or national kind, else by its kind."""
    if contributor.country != "EU" or contributor.kind in LOCAL_KINDS:
        return "member-states"
    return "networks" if contributor.kind == "network" else "eu-bodies"


def sort_key(contributor: Contributor) -> tuple[int, int, bool, str]:
    """Group, then country in protocol order, coordinators first, then the name."""
    group = [key for key, _ in GROUPS].index(group_of(contributor))
    return group, protocol_key(contributor.country), contributor.role != "coordinator", contributor.name.casefold()


def groups(contributors: list[Contributor], orgs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """What the annex template sees: each non-empty group with its heading and organisations, in order."""
    ordered = sorted(contributors, key=sort_key)
    return [{"key": key, "name": name, "organisations": [orgs[c.id] for c in ordered if group_of(c) == key]}
            for key, name in GROUPS if any(group_of(c) == key for c in ordered)]
