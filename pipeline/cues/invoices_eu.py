"""European invoices: German, French, Dutch, Italian, Spanish, Portuguese, Nordic and Polish words and places.

Selected by a type that names it, and by any type that names no regional pack (the
built-in invoice type among them) for a document that shows two of the ``SIGNS``. Words extend the generic ones of the money,
organisation and address kinds (see ``pipeline.extractors.finding``,
``pipeline.kinds.money`` and ``pipeline.kinds.lines``).
"""

WORDS = {
    "total": {"gesamt", "summe"},
    "partial": {"netto"},
    "tax": {"mwst", "ust"},
    "inclusive": {"inkl"},
    "summary": {"zusammenfassung"},
    "adjustment": {"rundung"},
    "street": set(
        "strasse straße str weg platz gasse allee ring damm ufer chaussee "
        "rue chemin place via viale piazza calle avenida carrer straat laan plein "
        "avda avd pza ctra paseo rua travessa largo corso ul".split()
    ),
    # German and Dutch join a street's name and its street word ("Hauptstraße", "Kerkstraat")
    "street_suffix": set("straße strasse str weg platz gasse allee straat laan plein gracht gatan vägen torget".split()),
    "furniture": {"rechnung", "quittung", "datum", "ust"},
    # words before a label that make the number the reader's own ("Ihre USt-IdNr.")
    "yours": {"ihre", "ihr", "kunde", "kunden", "votre", "vos", "uw"},
}

# how these invoices print the English labels of pipeline.infer.SAME_LABELS
LABELS = {
    "total": (
        "gesamtbetrag", "gesamt", "summe", "rechnungsbetrag", "endbetrag", "montant total", "net à payer", "totaal",
        "te betalen", "totaal te betalen", "totale", "totale documento", "importe total", "total factura",
        "total a pagar", "att betala", "summa att betala", "do zapłaty", "razem brutto",
        "at betale", "å betale", "yhteensä", "maksettava",
    ),
    "subtotal": ("zwischensumme", "nettobetrag", "netto", "gesamtnetto", "sous-total", "total ht", "montant ht", "total hors taxes", "subtotaal", "imponibile",
                 "base imponible", "total ilíquido", "total sem iva", "summa exkl moms", "netto", "razem netto", "wartość netto",
                 "veroton yhteensä", "veroton", "i alt ekskl. moms", "sum eks. mva"),
    "tax": ("mwst", "ust", "umsatzsteuer", "tva", "btw", "iva", "total iva", "moms", "kwota vat", "alv", "mva"),
    "date": ("datum", "rechnungsdatum", "date de facture", "factuurdatum", "data fattura", "fecha",
             "data de emissão", "data da fatura", "fakturadatum", "data wystawienia", "fakturadato", "päivämäärä", "laskun päivämäärä"),
    "invoice number": (
        "rechnungsnummer", "rechnungs-nr", "rechnungsnr", "rechnung nr", "rechnung #", "re-nr",
        "numéro de facture", "n° de facture", "facture n°", "n° facture", "fattura n°", "factura n°",
        "nº factura", "nº de factura", "factura nº", "número de factura",  # "º", the ordinal sign, is a letter
        "factuurnummer", "factuurnr",
        "fatura", "fatura nº", "fatura n.º", "fakturanummer", "fakturanr.", "laskun numero", "laskunumero", "fakturanr", "faktura nr", "faktura vat nr",
    ),
    "due date": ("fällig", "fällig am", "zahlbar bis", "fälligkeitsdatum", "échéance", "vervaldatum", "scadenza", "vencimiento", "fecha de vencimiento",
                 "data de vencimento", "vencimento", "förfallodatum", "förfallodag", "termin płatności",
                 "forfaldsdato", "forfallsdato", "eräpäivä"),
    "vat number": (
        "ust-idnr", "ust-id-nr", "ust-id", "ustid", "ustidnr", "umsatzsteuer-id", "umsatzsteuer-identifikationsnummer",
        "ust-identifikationsnummer", "uid", "uid-nr", "n° tva", "numéro de tva", "tva intracommunautaire",
        "btw-nummer", "btw-nr", "btw nummer", "partita iva", "p. iva", "nif", "cif",
        "nipc", "momsreg.nr", "momsregistreringsnummer", "vat-nr", "org.nr", "nip", "y-tunnus", "alv-numero", "cvr", "cvr-nr", "mva-nr",
    ),
    # the column headers of an item table (pipeline.infer.COLUMN_LABELS)
    "description": ("beschreibung", "bezeichnung", "leistung", "artikel", "désignation", "omschrijving", "descrizione", "descripción",
                    "descrição", "beskrivning", "nazwa towaru/usługi", "nazwa towaru", "nazwa"),
    "quantity": ("menge", "anzahl", "quantité", "aantal", "quantità", "q.tà", "qtà", "cantidad", "cant.", "qtd.", "qtd", "quantidade", "antal", "ilość"),
    "unit price": ("einzelpreis", "e-preis", "prix unitaire", "stukprijs", "prezzo unitario", "prezzo", "precio unitario", "precio unit.",
                   "preço unit.", "preço unitário", "à-pris", "a-pris", "cena netto", "cena jedn."),
    "amount": ("betrag", "gesamtpreis", "montant", "bedrag", "importo", "importe", "belopp", "wartość netto", "wartość brutto"),
}

PATTERNS = {
    # Spanish streets abbreviated with a slash ("C/ Mayor 12", "C/Colón 15")
    "street_mark": (r"(?<![\w/])[Cc]/ ?[^\W\d_]{2,}",),
    "region": (
        "deutschland", "österreich", "schweiz", "nederland", "españa", "italia", "polska",
        "berlin", "münchen", "munich", "hamburg", "köln", "frankfurt", "dublin", "london", "paris", "amsterdam", "zürich",
    ),
    # labels of the tax numbers printed under an address ("St.-Nr. 143/123/45678", "USt-IdNr.")
    "contact": ("ust", r"st\.?-?nr", "steuernummer", r"steuer-?nr"),
    # labels after which the customer is printed
    "counterparty": (
        "rechnungsempfänger", "rechnung an", "kunde", "an", "facturé à", "käufer",
        "spett.le", "spettabile", "cliente", "destinatario", "facturar a", "klant",  # Italian, Spanish, Dutch
        "exmo(s). senhor(es)", "exmos. senhores", "exmo. senhor", "kund", "nabywca", "odbiorca",  # Portuguese, Swedish, Polish
        "asiakas", "kunde",  # Finnish, Danish/Norwegian
    ),
}

# different marks of an invoice in these languages (two are needed, see pipeline.cues.MIN_SIGNS):
# its words for invoice, VAT, dates and terms, totals, and euro amounts with a decimal comma
SIGNS = (
    r"(?i)\b(?:rechnung|facture|factuur|fattura|factura|fatura|faktura|lasku)\b",
    r"(?i)\b(?:mwst|ust|umsatzsteuer|tva|btw|iva|moms|nip|alv|mva)\b",
    r"(?i)\b(?:datum|fällig|zahlbar|échéance|vervaldatum|scadenza|vencimiento|vencimento|förfallodatum|termin płatności|eräpäivä|forfaldsdato|forfallsdato)",
    r"(?i)\b(?:gesamt\w*|summe|betrag|montant|totaal|bedrag|importo|importe|att betala|razem|do zapłaty|total a pagar)",
    r"\d,\d\d\s?€|€\s?\d+(?:\.\d{3})*,\d\d\b",
)

# words a German or French user writes field names in (pipeline.cues.in_english): a schema with
# "lieferant", "rechnungsdatum", "gesamtbetrag" reads them as a supplier, an invoice date, a total
NAMES = {
    # German
    "lieferant": "supplier", "verkaeufer": "seller", "verkäufer": "seller", "aussteller": "issuer",
    "kunde": "customer", "empfaenger": "recipient", "empfänger": "recipient",
    "rechnung": "invoice", "rechnungsnummer": "invoice number", "rechnungsnr": "invoice number",
    "rechnungsdatum": "invoice date", "datum": "date", "faelligkeitsdatum": "due date", "fälligkeitsdatum": "due date",
    "gesamtbetrag": "total amount", "bruttobetrag": "gross amount", "rechnungsbetrag": "total amount",
    "nettobetrag": "subtotal", "zwischensumme": "subtotal", "betrag": "amount", "summe": "total",
    "mwst": "vat", "ust": "vat", "steuer": "tax", "steuersatz": "tax rate", "mwst satz": "vat rate",
    "waehrung": "currency", "währung": "currency", "adresse": "address", "anschrift": "address", "nummer": "number",
    # French
    "fournisseur": "supplier", "vendeur": "seller", "emetteur": "issuer", "émetteur": "issuer",
    "facture": "invoice", "numero facture": "invoice number", "numéro facture": "invoice number",
    "numero de facture": "invoice number", "numéro de facture": "invoice number",
    "date facture": "invoice date", "date de facture": "invoice date", "date echeance": "due date",
    "date échéance": "due date", "echeance": "due date", "échéance": "due date",
    "montant total": "total amount", "montant ttc": "total amount", "total ttc": "total",
    "montant ht": "subtotal", "total ht": "subtotal", "montant": "amount", "tva": "vat", "taux tva": "vat rate",
    "devise": "currency", "monnaie": "currency", "numero": "number", "numéro": "number", "nom": "name",
}
