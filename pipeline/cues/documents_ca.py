"""Documents from Canada: the federal GST (or the harmonised HST) and a province's PST or QST,
each on its own line, and the issuer's GST/HST registration ("123456789 RT0001").

Selected by any type that names no regional pack for a document that shows two of the
``SIGNS``, and by a type that names it. A British Columbia or Manitoba bill prints "GST 5%" and
"PST 7%" under its subtotal: both are its tax, summed where the subtotal and they add up to the
total (``pipeline.kinds.money``). Numeric dates are left as the generic reading has them:
Canadian documents print both orders.
"""

_PROVINCES = "AB BC MB NB NL NS NT NU ON PE QC SK YT"

WORDS = {
    # each a tax word, so a tax field reads its lines (TPS and TVQ are Quebec's French names)
    "tax": {"gst", "hst", "pst", "qst", "rst", "tps", "tvq", "tvh"},
}

# how these documents print the English labels of pipeline.infer.SAME_LABELS
LABELS = {
    "tax": ("gst", "hst", "pst", "qst", "rst", "tps", "tvq", "gst/hst"),
    "vat number": ("gst/hst reg. no", "gst/hst reg no", "gst/hst no", "gst/hst #", "gst/hst", "gst reg no", "business number", "bn"),
}

CURRENCY = "CAD"

# different marks of a Canadian document (two are needed, see pipeline.cues.MIN_SIGNS)
SIGNS = (
    r"\b(?:" + "|".join(_PROVINCES.split()) + r"),?[ \t]+[A-Z]\d[A-Z][ \t]?\d[A-Z]\d\b",  # a province and its postal code
    r"(?i)\bGST/HST\b|\bHST\b|\bRT ?0001\b",
    r"(?i)\b(?:PST|QST|TVQ)\b",
    r"(?i)\binterac\b",
    r"\bCAD\b|\bC\$",
)
