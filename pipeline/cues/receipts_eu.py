"""European till receipts: German, French, Dutch, Italian and Spanish words for what a receipt
prints around its total.

A till receipt says less than an invoice: no "Rechnung", often no date label, and what it
charges under "Zu zahlen", "À payer" or "Te betalen", then the cash handed over ("Gegeben",
"Espèces", "Contant") and the change ("Rückgeld", "Rendu", "Wisselgeld"). Selected by any type
that names no regional pack for a document that shows two of the ``SIGNS``, and by a type that
names it. Its streets and places are the invoice pack's (``pipeline.cues.invoices_eu``): the
same countries print both.
"""

from pipeline.cues import invoices_eu

WORDS = {
    "total": {"summe", "gesamtsumme", "totaal", "totale"},
    "tender": {"bar", "gegeben", "espèces", "especes", "contant", "contanti", "efectivo", "entregado"},
    "change": {"rückgeld", "rueckgeld", "zurück", "rendu", "wisselgeld", "terug", "resto", "cambio"},
    "partial": {"zwischensumme", "sous", "subtotaal", "subtotale"},
    "tax": {"mwst", "ust", "tva", "btw", "iva"},
    "adjustment": {"rundung", "arrondi", "afronding", "arrotondamento", "redondeo"},
    # how a receipt says it was paid (pipeline.kinds.text)
    "payment_means": {"bar", "karte", "ec-karte", "girocard", "espèces", "carte", "carte bancaire", "cb", "contant", "pin", "pinnen",
                      "bancontact", "contanti", "bancomat", "carta", "efectivo", "tarjeta", "tarjeta bancaria"},
    "street": invoices_eu.WORDS["street"],
    "street_suffix": invoices_eu.WORDS["street_suffix"],
}

# how these receipts print the English labels of pipeline.infer.SAME_LABELS
LABELS = {
    "total": (
        "summe", "gesamtsumme", "endsumme", "zu zahlen", "total ttc", "à payer", "a payer", "net à payer",
        "montant dû", "totaal", "te betalen", "totale", "da pagare", "total a pagar", "importe total",
    ),
    "subtotal": ("zwischensumme", "sous-total", "subtotaal", "subtotale"),
    "tax": ("mwst", "ust", "tva", "btw", "iva"),
}

PATTERNS = {"region": invoices_eu.PATTERNS["region"], "street_mark": invoices_eu.PATTERNS["street_mark"]}

# different marks of a European till receipt (two are needed, see pipeline.cues.MIN_SIGNS):
# its label of the amount to pay, cash handed over, change, card payment, the receipt's own
# name. Tax words, euros and postcodes are an invoice's marks too (``invoices_eu``); "bar"
# (cash) is an English word, so none of these is a sign
SIGNS = (
    r"(?i)(?<!\w)(?:summe|zu zahlen|total ttc|[àa] payer|totaal|te betalen|totale|da pagare)(?!\w)",
    r"(?i)(?<!\w)(?:gegeben|espèces|especes|contant|contanti|efectivo)(?!\w)",
    r"(?i)(?<!\w)(?:rückgeld|zurück|rendu|wisselgeld|resto|cambio)(?!\w)",
    r"(?i)(?<!\w)(?:pinnen|pin|ec-karte|girocard|bancontact|carte bancaire|cb|tarjeta|bancomat)(?!\w)",
    r"(?i)\b(?:kassenbon|kassenbeleg|kassabon|kassa|kasse|caisse|scontrino|factura simplificada)\b",
)
