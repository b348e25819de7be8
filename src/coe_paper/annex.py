"""The annex's grouping of member organisations, as EU documents list them: organisations from Member States in
the protocol order of their country, then EU-level networks and associations, then the Commission's services and
other EU bodies. The kind of each organisation comes from `contributors.yaml`. An organisation of a Member State
left with `country: EU` (the placeholder `init` writes for the coordinators) is named without a country, and
validate warns of it (COE205) at its line."""

from __future__ import annotations

import re
from typing import Any

from .diagnostics import Diagnostic, warning
from .model import COUNTRY_NAMES, Contributor, ContributorsFile, protocol_key
from .numbering import ANNEX_WORD
from .yamlsafe import VALUE, Located

#: (key, heading) of each group, in the order the annex prints them.
GROUPS: tuple[tuple[str, str], ...] = (
    ("member-states", "Organisations from Member States"),
    ("networks", "EU-level networks and associations"),
    ("eu-bodies", "European Commission services and other EU bodies"),
)


#: Kinds of organisation that belong to a Member State whatever country they are given: a city is never an EU body.
LOCAL_KINDS = frozenset({"city", "metropolitan-area", "region", "member-state"})


#: A title's own "Annex:" (or "Annex -"), which the number ("Annex II") stands for when the annex is numbered.
_OWN_WORD = re.compile(rf"^(#[ \t]+){ANNEX_WORD}[ \t]*[:.\u2013\u2014-][ \t]*(\S)", re.MULTILINE)


def numbered_title(text: str) -> str:
    """The annex template's Markdown for an annex numbered after the outline's ("Annex II" before its title): the
    title's own leading "Annex:" gives way to the number, "# Annex: contributors" reading "# Contributors"."""
    return _OWN_WORD.sub(lambda found: found.group(1) + found.group(2).upper(), text, count=1)


#: What the annex and the preview say of the country of an organisation of a Member State left at `country: EU`.
NO_COUNTRY = "(country to be given)"


def placeholder_country(contributor: Contributor) -> bool:
    """Whether a city, region or Member State body is given `country: EU`, which is no Member State."""
    return contributor.country == "EU" and contributor.kind in LOCAL_KINDS


def country_name(contributor: Contributor) -> str:
    """The country the annex names for an organisation: its country's name, or a note that it is to be given."""
    return NO_COUNTRY if placeholder_country(contributor) else COUNTRY_NAMES[contributor.country]


def placeholder_countries(members: ContributorsFile, located: Located, path: str) -> list[Diagnostic]:
    """COE205 for each organisation of a Member State given `country: EU`, at the line of its country."""
    found = []
    for index, member in enumerate(members.organisations):
        if placeholder_country(member):
            line, column = located.where(("organisations", index, "country", VALUE))
            found.append(warning(path, line, column, "COE205", (
                f"organisation '{member.id}' (kind {member.kind}) is given country EU, a placeholder: the annex "
                "names no country for it"), "give its Member State's code, such as IT, FR or EL (EU is for "
                "EU bodies and EU-level networks)"))
    return found


def group_of(contributor: Contributor) -> str:
    """The annex group of an organisation: by its country or its local or national kind, else by its kind."""
    if contributor.country != "EU" or contributor.kind in LOCAL_KINDS:
        return "member-states"
    return "networks" if contributor.kind == "network" else "eu-bodies"


#: The place of each group's key in GROUPS.
_GROUP_ORDER = {key: index for index, (key, _) in enumerate(GROUPS)}


def sort_key(contributor: Contributor) -> tuple[int, int, bool, str]:
    """Group, then country in protocol order, coordinators first, then the name."""
    group = _GROUP_ORDER[group_of(contributor)]
    return group, protocol_key(contributor.country), contributor.role != "coordinator", contributor.name.casefold()


def groups(contributors: list[Contributor], orgs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """What the annex template sees: each non-empty group with its heading and organisations, in order (each
    organisation's group worked out once, in its sort key)."""
    found: list[list[dict[str, Any]]] = [[] for _ in GROUPS]
    for key, contributor in sorted(((sort_key(c), c) for c in contributors), key=lambda pair: pair[0]):
        found[key[0]].append(orgs[contributor.id])
    return [{"key": key, "name": name, "organisations": members}
            for (key, name), members in zip(GROUPS, found, strict=True) if members]
