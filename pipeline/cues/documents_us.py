"""Documents from the United States: numeric dates are written month first.

"11-04-2023" on a Dallas grocery receipt is the 4th of November; read day first, as
docloop reads an ambiguous date elsewhere, it is the 11th of April. Selected by any
type that names no regional pack for a document that shows two of the ``SIGNS``, and
by a type that names it. A date the document prints only one way ("13/04/2023") still
decides; dates written with dots ("04.07.2023") are European in any document and stay
day first (``pipeline.kinds.date``).
"""

_STATES = (
    "AK AL AR AZ CA CO CT DC DE FL GA HI IA ID IL IN KS KY LA MA MD ME MI MN MO MS MT NC ND NE NH NJ NM "
    "NV NY OH OK OR PA RI SC SD TN TX UT VA VT WA WI WV WY"
)

# ambiguous numeric dates read month first (``pipeline.kinds.date``)
DATE_ORDER = "MDY"

# a US invoice that prints bare amounts ("Invoice Total 2,933.35") charges dollars
CURRENCY = "USD"

# different marks of a US document (two are needed, see pipeline.cues.MIN_SIGNS)
SIGNS = (
    # a state and its ZIP code, also where OCR read a state's O as a zero ("Denver C0 80206")
    r"\b(?:" + "|".join(s.replace("O", "[O0]") for s in _STATES.split()) + r"),?[ \t]+\d{5}(?:-\d{4})?(?!\d)",
    # a phone number with its area code in brackets, as printed or as OCR spaces it ("( 512 ) 555 - 0199")
    # or adds a stray mark after the bracket ("(303): 555-0147")
    r"\([ \t]?\d{3}[ \t]?\)[:.,]?[ \t]?\d{3}[ \t]?[-.][ \t]?\d{4}(?!\d)",
    r"(?i)\b(?:U\.S\.A\.?|USA|United States)(?!\w)",
    r"(?<![A-Za-z])(?:US)?\$[ \t]?\d",  # dollars, not S$, A$, C$ or R$
    r"(?i)\bsales tax\b",
)
