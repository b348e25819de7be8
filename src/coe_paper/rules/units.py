"""Units of measurement after a figure: what tells a decimal comma ('2,5 km', COE743), a table cell's figure from its
unit ('1,250 km', rules/columns.py), and a unit from the country code it looks like ('5 GB': COE710, COE520)."""

from __future__ import annotations

import re

#: The units a decimal comma is read before (a word after a space; '%' and '°' close up or not).
UNITS = (r"(?:k|M|G|T)?Wh?|(?:mm|cm|km|m)[²³]?|ha|kg|t|l|tonnes|hours|years|degrees|(?:kilo|centi|milli)?metres"
         r"|litres|hectares")
#: What only a quantity comes before: a percent or degree sign, 'per cent', a scale word, a unit (as a pattern to
#: follow a figure; the unit a whole word).
QUANTITY = (r"(?:[ \u00a0\u202f]*%|[ \u00a0\u202f]*°[CF]?|[ \u00a0]+(?:per[ \u00a0]cent|percent|thousand|million"
            rf"|billion|trillion|{UNITS})(?![\w²³₂]))")
#: A figure right before a word, past blanks: '5 GB' is five gigabytes, no country.
_FIGURE_BEFORE = re.compile(r"\d[ \u00a0\u202f]*$")


def after_figure(text: str, start: int) -> bool:
    """Whether the word at `start` of `text` follows a figure, as a unit does ('5 GB', '12\u00a0GB')."""
    return _FIGURE_BEFORE.search(text, max(0, start - 8), start) is not None
