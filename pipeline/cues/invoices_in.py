"""Indian GST tax invoices: GSTIN numbers, central and state GST lines, the taxable value.

Selected by a type that names it, and by any type that names no regional pack (the built-in
invoice type among them) for a document that shows two of the ``SIGNS``. An Indian tax invoice
prints its tax as CGST and SGST (within a state) or IGST (between states), each on its own line,
under a "Taxable Value" that is its subtotal; the parties' registration numbers are GSTINs.
"""

WORDS = {
    # each a tax word, so a tax field reads its lines; the two halves are summed
    # (pipeline.kinds.money) where the subtotal and they add up to the total
    "tax": {"cgst", "sgst", "igst", "utgst"},
}

# how these invoices print the English labels of pipeline.infer.SAME_LABELS
LABELS = {
    "subtotal": ("taxable value", "taxable amount", "total taxable value"),
    "tax": ("cgst", "sgst", "igst", "utgst"),
    "vat number": ("gstin", "gstin/uin", "gst no", "gstin no"),
}

# different marks of an Indian tax invoice (two are needed, see pipeline.cues.MIN_SIGNS)
SIGNS = (
    r"\bGSTIN\b",
    r"(?i)\b(?:cgst|sgst|igst|utgst)\b",
    r"₹|\bRs\.?\s?\d|\bINR\b",
    r"(?i)\bHSN(?:/SAC)?\b",
    r"(?i)\bplace of supply\b",
)

CURRENCY = "INR"
