"""Latin American invoices: Mexican CFDI, Brazilian NF-e (DANFE), Colombian electronic invoices, in Spanish and Portuguese.

Selected by a type that names it, and by any type that names no regional pack (the built-in
invoice type among them) for a document that shows two of the ``SIGNS``. A CFDI prints its
number as a series and a "Folio" (the "Folio Fiscal" is the tax authority's UUID), the parties'
tax numbers as RFCs, the buyer under "Receptor", and amounts with "$" beside "Moneda: MXN"; a
DANFE prints "Nº 000.012.345", the issuer's CNPJ, the buyer under "Destinatário", and its totals
as a row of labels over a row of values ("VALOR TOTAL DA NOTA"). No one currency: Mexico,
Brazil and their neighbours each have their own.
"""

WORDS = {
    # Brazil's state VAT and federal excise, Mexico's and Argentina's IVA
    "tax": {"icms", "ipi", "iva"},
    "street": {"calle", "avenida", "av", "blvd", "rua", "travessa", "rodovia", "praça", "col", "colonia"},
}

# how these invoices print the English labels of pipeline.infer.SAME_LABELS
LABELS = {
    "total": ("valor total da nota", "valor total", "total a pagar", "importe total", "total"),
    "subtotal": ("valor total dos produtos", "subtotal", "sub-total"),
    "tax": ("valor do icms", "icms", "iva", "iva trasladado", "total impuestos trasladados"),
    "date": ("fecha de emisión", "fecha de expedición", "fecha", "data da emissão", "data de emissão", "data emissão"),
    "invoice number": ("folio", "nº", "n°", "número", "nf-e nº", "nota fiscal nº", "no. de factura", "factura no"),
    "due date": ("fecha de vencimiento", "fecha límite de pago", "vencimento", "data de vencimento"),
    # the column headers of an item table (pipeline.infer.COLUMN_LABELS)
    "description": ("descripción", "descrição", "descrição do produto", "descrição do produto / serviço", "concepto"),
    "quantity": ("cant.", "cantidad", "quant.", "qtd.", "quantidade"),
    "unit price": ("valor unitario", "precio unitario", "v. unitário", "valor unitário", "v.unit"),
    "amount": ("importe", "v. total", "valor total"),
    "vat number": ("rfc", "r.f.c.", "rfc emisor", "cnpj", "cnpj/cpf", "cuit", "nit", "ruc", "rut"),
}

PATTERNS = {
    # Mexican forms end in "de C.V." (variable capital) after the form proper
    "legal_form": (
        r"s\.?\s?de\s?r\.?\s?l\.?(?:\s?de\s?c\.?\s?v\.?)?", r"s\.?\s?a\.?(?:\s?p\.?\s?i\.?)?\s?de\s?c\.?\s?v\.?",
        r"ltda\.?", r"eireli",
    ),
    # labels after which the customer is printed
    "counterparty": ("receptor", "cliente", "destinatário", "destinatário / remetente", "destinatario", "facturar a"),
}

# different marks of a Mexican or Brazilian invoice (two are needed, see pipeline.cues.MIN_SIGNS)
SIGNS = (
    r"\bRFC\b|\bCNPJ\b|\bCUIT\b|\bNIT\b|\bRUT\b",
    r"\bCFDI\b|\bDANFE\b|\bNF-e\b|(?i:\bnota fiscal\b|\bfactura electr[óo]nica\b)|\bCUFE\b",
    r"(?i)\bfolio\b|\bchave de acesso\b",
    r"R\$[ \t]?\d|\bM\.N\.|\bMXN\b|\bBRL\b|\bCOP\b|\bCLP\b|\bARS\b",
    r"\bS\.? ?A\.? de C\.? ?V\.?|\bS\. de R\.L\.|\bLtda\b|\bLTDA\b|\bEIRELI\b|\bS\.A\.S\.?",
    r"\bC\.P\. ?\d{5}\b|\bCEP:? ?\d{5}-\d{3}\b",
)

# words a Spanish or Portuguese user writes field names in (pipeline.cues.in_english)
NAMES = {
    "proveedor": "supplier", "emisor": "issuer", "receptor": "recipient", "cliente": "customer",
    "fornecedor": "supplier", "emitente": "issuer", "destinatario": "recipient",
    "folio": "invoice number", "fecha": "date", "data": "date", "importe": "amount", "valor": "amount",
    "moneda": "currency", "moeda": "currency", "impuesto": "tax", "imposto": "tax",
}
