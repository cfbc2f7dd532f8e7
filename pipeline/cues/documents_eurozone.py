"""Documents from the euro area that print their amounts without a currency: an Italian
"Totale documento 1.464,00", a Spanish or German invoice whose table says no "€".

Selected by any type that names no regional pack for a document that shows two of the
``SIGNS``: a bank account (IBAN) and a VAT number of euro-area countries, or a euro amount. Its
one use is the currency such a document means where it prints none (``CURRENCY``): offered
without evidence, so a person confirms it; a printed currency ("CHF", "zł") still decides.
"""

# the countries whose currency is the euro, as IBANs and VAT numbers open with them ("EL" is
# Greece's VAT prefix, "GR" its IBAN's)
_EURO_AREA = "AT BE CY DE EE ES FI FR GR EL HR IE IT LT LU LV MT NL PT SI SK"
_CODES = "|".join(_EURO_AREA.split())

CURRENCY = "EUR"

# different marks of a document from the euro area (two are needed, see pipeline.cues.MIN_SIGNS)
SIGNS = (
    r"\b(?:" + _CODES + r")\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,3})?\b",  # an IBAN
    r"\b(?:" + _CODES + r")[ ]?(?:[A-Z]-?)?\d{8,11}[A-Z]?\b",  # a VAT number ("IT01234567890", "ESB12345678", "DE298765432")
    r"€|\bEUR\b",
)
