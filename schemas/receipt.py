"""A shop or restaurant receipt."""

from schemas.base import DocumentSchema, field
from schemas.types import Address, Date, Money, Organization


class Receipt(DocumentSchema):
    name = "receipt"
    version = "1"
    title = "Receipt"
    keywords = ["receipt", "cashier", "change", "cash", "qty", "tax invoice", "gst", "thank you"]

    company: Organization | None = field(
        "The seller's legal or trading name as printed at the top of the receipt.",
        aliases=["company", "merchant", "store", "shop"],
    )
    date: Date | None = field(
        "The date of purchase.",
        aliases=["date", "dated", "invoice date", "txn date", "date/time", "tarikh"],
    )
    address: Address | None = field(
        "The seller's postal address as printed, lines joined by spaces.",
        aliases=["address", "addr"],
    )
    total: Money | None = field(
        "The final amount paid, including tax and rounding.",
        aliases=[
            "total", "grand total", "total amount", "nett total", "net total", "total (rm)",
            "total rm", "amount due", "total payable", "amount payable", "total incl", "rounded total", "jumlah",
        ],
    )
