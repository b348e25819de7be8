"""Units of measurement after a figure: what tells a decimal comma ('2,5 km', COE743) and a table cell's figure from
its unit ('1,250 km', rules/columns.py)."""

from __future__ import annotations

#: The units a decimal comma is read before (a word after a space; '%' and '°' close up or not).
UNITS = (r"(?:k|M|G|T)?Wh?|(?:mm|cm|km|m)[²³]?|ha|kg|t|l|tonnes|hours|years|degrees|(?:kilo|centi|milli)?metres"
         r"|litres|hectares")
#: What only a quantity comes before: a percent or degree sign, 'per cent', a scale word, a unit (as a pattern to
#: follow a figure; the unit a whole word).
QUANTITY = (r"(?:[ \u00a0\u202f]*%|[ \u00a0\u202f]*°[CF]?|[ \u00a0]+(?:per[ \u00a0]cent|percent|thousand|million"
            rf"|billion|trillion|{UNITS})(?![\w²³₂]))")
