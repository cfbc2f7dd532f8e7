"""A commercial invoice."""

from pydantic import BaseModel

from schemas.base import DocumentSchema, field
from schemas.checks import in_order, item_products, items_sum_to, sums_to
from schemas.types import Currency, Date, Identifier, Money, Organization, Percent, Text


class LineItem(BaseModel):
    """One line of an invoice; the aliases are the column headers a table prints for each part."""

    description: Text | None = field(
        "What was sold.",
        aliases=["description", "item", "items", "product", "service", "article", "details", "bezeichnung", "beschreibung", "artikel", "leistung"],
    )
    quantity: Money | None = field("How many units.", aliases=["qty", "quantity", "units", "hours", "hrs", "menge", "anzahl", "stk"])
    unit_price: Money | None = field(
        "Price of one unit.",
        aliases=["unit price", "price", "rate", "unit cost", "price per unit", "einzelpreis", "preis", "e-preis"],
    )
    amount: Money | None = field(
        "The line's amount (quantity times unit price).",
        aliases=["amount", "line total", "total", "net", "net amount", "betrag", "gesamt", "gesamtpreis", "summe"],
    )
    tax_rate: Percent | None = field("The line's tax rate.", aliases=["tax rate", "tax %", "vat %", "vat", "tax", "mwst", "ust"])


class Invoice(DocumentSchema):
    name = "invoice"
    version = "1"
    title = "Invoice"
    checks = [
        sums_to(("subtotal", "tax"), "total"),
        in_order("date", "due_date"),
        items_sum_to("line_items", "amount", "subtotal"),
        item_products("line_items", "quantity", "unit_price", "amount"),
    ]
    keywords = ["invoice", "rechnung", "bill to", "due date", "vat", "ust", "subtotal", "payment"]

    issuer: Organization | None = field(
        "The company that issued the invoice (the seller), not the customer.",
        aliases=["from", "seller", "issued by", "vendor", "supplier"],
    )
    invoice_number: Identifier | None = field(
        "The invoice's identifier as printed.",
        aliases=[
            "invoice number", "invoice no", "invoice #", "invoice id", "invoice ref", "bill number", "rechnungsnummer",
            "rechnung nr", "receipt number", "document number", "reference", "proforma no", "proforma number",
            "proforma invoice no",
        ],
    )
    date: Date | None = field(
        "The invoice (issue) date.",
        aliases=["invoice date", "date of issue", "issue date", "issued", "bill date", "date", "rechnungsdatum", "datum"],
    )
    due_date: Date | None = field(
        "The date payment is due.",
        aliases=["due date", "payment due", "due", "fällig", "zahlbar bis"],
    )
    currency: Currency | None = field(
        "ISO 4217 code of the invoice currency.", aliases=["currency", "währung"]
    )
    subtotal: Money | None = field(
        "Total before tax.",
        aliases=[
            "subtotal", "sub total", "net", "net amount", "net total", "total excl tax", "total ex tax", "total excluding tax",
            "total before tax", "total excl vat", "total ex vat", "total excl gst", "total ex gst", "nettobetrag", "netto", "gesamtnetto", "zwischensumme",
        ],
    )
    tax: Money | None = field(
        "Tax amount (VAT, GST, sales tax).",
        aliases=["tax", "vat", "gst", "sales tax", "mwst", "ust", "umsatzsteuer"],
    )
    vat_rate: Percent | None = field(
        "The VAT/tax rate in percent.", aliases=["vat rate", "tax rate", "vat %", "mwst %", "ust %"]
    )
    total: Money | None = field(
        "The total amount due, including tax.",
        aliases=[
            "total", "amount due", "total due", "grand total", "total amount", "amount paid", "balance to pay",
            "gesamtbetrag", "gesamt", "rechnungsbetrag", "endbetrag", "summe",
        ],
    )
    line_items: list[LineItem] = field("The invoice's lines.", many=True)
