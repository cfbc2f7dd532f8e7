"""A commercial invoice."""

from pydantic import BaseModel

from schemas.base import DocumentSchema, field
from schemas.checks import in_order, sums_to
from schemas.types import Currency, Date, Identifier, Money, Organization, Percent, Text


class LineItem(BaseModel):
    description: Text | None = None
    quantity: Money | None = None
    unit_price: Money | None = None
    amount: Money | None = None


class Invoice(DocumentSchema):
    name = "invoice"
    version = "1"
    title = "Invoice"
    cues = ["invoices_eu"]
    checks = [sums_to(("subtotal", "tax"), "total"), in_order("date", "due_date")]
    keywords = ["invoice", "rechnung", "bill to", "due date", "vat", "ust", "subtotal", "payment"]

    issuer: Organization | None = field(
        "The company that issued the invoice (the seller), not the customer.",
        aliases=["from", "seller", "issued by", "vendor", "supplier"],
    )
    invoice_number: Identifier | None = field(
        "The invoice's identifier as printed.",
        aliases=[
            "invoice number", "invoice no", "invoice #", "invoice id", "rechnungsnummer",
            "rechnung nr", "receipt number", "document number", "reference",
        ],
    )
    date: Date | None = field(
        "The invoice (issue) date.",
        aliases=["invoice date", "date of issue", "issue date", "date", "rechnungsdatum", "datum"],
    )
    due_date: Date | None = field(
        "The date payment is due.",
        aliases=["due date", "payment due", "due", "fällig", "zahlbar bis"],
    )
    currency: Currency | None = field(
        "ISO 4217 code of the invoice currency.", aliases=["currency", "währung"]
    )
    subtotal: Money | None = field(
        "Total before tax.", aliases=["subtotal", "sub total", "net amount", "nettobetrag", "netto"]
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
            "total", "amount due", "total due", "grand total", "total amount", "amount paid",
            "gesamtbetrag", "gesamt", "rechnungsbetrag", "endbetrag", "summe",
        ],
    )
    line_items: list[LineItem] = field("The invoice's lines.", many=True)
