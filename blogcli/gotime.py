"""Go's time layouts (``January 2, 2006``, ``2006-01-02``), as Hugo archetypes and themes'
``dateFormat`` params write them."""

from __future__ import annotations

from datetime import date, datetime

# Go's reference-time layout elements, longest first so "January" is not read as "Jan".
_LAYOUT = [("January", "%B"), ("Monday", "%A"), ("2006", "%Y"), ("-07:00", "%:z"),
           ("Jan", "%b"), ("Mon", "%a"), ("MST", "%Z"), ("01", "%m"), ("02", "%d"),
           ("_2", "%e"), ("15", "%H"), ("03", "%I"), ("04", "%M"), ("05", "%S"), ("PM", "%p"),
           ("06", "%y"), ("1", "%-m"), ("2", "%-d"), ("3", "%-I")]
_HUGO_NAMED = {":date_long": "January 2, 2006", ":date_medium": "Jan 2, 2006",
               ":date_short": "1/2/06", ":date_full": "Monday, January 2, 2006"}


def go_format(layout: str, moment: datetime | date) -> str:
    """``moment`` written with Go's layout (and Hugo's ``:date_long`` names, in English)."""
    if not isinstance(moment, datetime | date):
        raise ValueError(f"{moment!r} is not a time")
    out = _HUGO_NAMED.get(layout, layout)
    for go, strf in _LAYOUT:
        out = out.replace(go, "\0" + strf + "\0")
    return "".join(_part(part, moment) for part in out.split("\0"))


def _part(part: str, moment: datetime | date) -> str:
    if not part.startswith("%"):
        return part
    if part == "%:z":
        offset = moment.isoformat()[19:] if isinstance(moment, datetime) else ""
        return offset[-6:] if offset[-6:-5] in ("+", "-") else "+00:00"
    if part in ("%-m", "%-d", "%-I", "%e"):  # unpadded, done by hand: %-d is glibc-only
        value = {"%-m": moment.month, "%-d": moment.day, "%e": moment.day,
                 "%-I": (getattr(moment, "hour", 0) % 12) or 12}[part]
        return f"{value:2d}" if part == "%e" else str(value)
    return moment.strftime(part)
