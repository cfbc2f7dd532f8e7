"""Invoices with known line items, made by code (PDF with reportlab, DOCX, XLSX).

Each invoice is drawn from a seeded generator: 1 to 45 lines (long ones run
over several pages, the table header repeated on each), descriptions that wrap
over two or three lines, rows without quantity or unit price (a flat fee),
English or German header labels in a few wordings, optional unit price and tax
rate columns, and amounts printed as 1,234.56 or 1.234,56. ``codes=True`` adds
an article-code column of numbers that is none of the record's fields (the rest
of the invoice stays the same). The gold is the
line items as written, with the subtotal, tax and total they add up to.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HEADERS = [
    {"description": "Description", "quantity": "Qty", "unit_price": "Unit Price", "amount": "Amount", "tax_rate": "VAT %"},
    {"description": "Item", "quantity": "Quantity", "unit_price": "Rate", "amount": "Line Total", "tax_rate": "Tax Rate"},
    {"description": "Service", "quantity": "Hours", "unit_price": "Price", "amount": "Total", "tax_rate": "Tax %"},
    {"description": "Bezeichnung", "quantity": "Menge", "unit_price": "Einzelpreis", "amount": "Gesamtpreis", "tax_rate": "MwSt"},
]
CODE_HEADERS = ["Art.-Nr.", "SKU", "Item code", "Ref."]
TOTAL_LABELS = [("Subtotal", "Tax", "Total"), ("Net amount", "VAT", "Amount due"), ("Zwischensumme", "MwSt", "Gesamtbetrag")]
WORDS = (
    "consulting design hosting licence support migration training audit analysis development maintenance "
    "cloud storage backup monitoring premium standard seats annual monthly setup integration review report "
    "workshop onsite remote database server network security upgrade renewal subscription module"
).split()
CENT = Decimal("0.01")


@dataclass
class Invoice:
    id: str
    number: str
    columns: list[str]  # record fields, in printed order
    header: dict[str, str]
    totals: tuple[str, str, str]
    decimal_comma: bool
    items: list[dict[str, Any]]  # description, quantity, unit_price, amount, tax_rate (None where not printed)
    subtotal: Decimal
    tax: Decimal
    total: Decimal

    def money(self, value: Decimal | None) -> str:
        if value is None:
            return ""
        text = f"{value:,.2f}"
        return text.replace(",", "_").replace(".", ",").replace("_", ".") if self.decimal_comma else text

    def cell(self, item: dict[str, Any], column: str) -> str:
        value = item[column]
        if value is None:
            return ""
        if column in ("description", "code"):
            return value
        if column == "quantity":
            return str(value)
        if column == "tax_rate":
            return f"{value}%"
        return self.money(value)


def generate(seed: int, codes: bool = False) -> Invoice:
    rng = random.Random(seed)
    header = rng.choice(HEADERS)
    columns = ["description", "quantity"]
    if rng.random() < 0.8:
        columns.append("unit_price")
    if rng.random() < 0.3:
        columns.append("tax_rate")
    columns.append("amount")
    rate = rng.choice([0, 7, 19, 20])
    n = rng.choice([1, 2, 3, 4, 6, 8, 12]) if rng.random() < 0.8 else rng.randint(25, 45)
    items = []
    for _ in range(n):
        words = rng.sample(WORDS, rng.choice([2, 3, 4, 4, 12, 18]))  # long ones wrap
        description = " ".join(words).capitalize()
        if rng.random() < 0.15:  # a flat fee: no quantity, no unit price
            quantity, price = None, None
            amount = Decimal(rng.randint(500, 50000)) / 100
        else:
            quantity = rng.choice([1, 1, 2, 3, 5, 10, 12, 40])
            price = Decimal(rng.randint(100, 200000)) / 100
            amount = (price * quantity).quantize(CENT, ROUND_HALF_UP)
        items.append({
            "description": description, "quantity": quantity,
            "unit_price": price if "unit_price" in columns else None,
            "amount": amount, "tax_rate": rate if "tax_rate" in columns else None,
        })
    subtotal = sum((i["amount"] for i in items), Decimal(0))
    tax = (subtotal * rate / 100).quantize(CENT, ROUND_HALF_UP)
    if codes:
        coder = random.Random(-1 - seed)  # its own stream, so codes change nothing else
        columns.insert(1, "code")
        header = {**header, "code": coder.choice(CODE_HEADERS)}
        for item in items:
            item["code"] = str(coder.randint(10000, 99999))
    return Invoice(
        id=f"synthetic-{seed:04d}", number=f"INV-{seed:05d}", columns=columns, header=header,
        totals=rng.choice(TOTAL_LABELS), decimal_comma=rng.random() < 0.3, items=items,
        subtotal=subtotal, tax=tax, total=subtotal + tax,
    )


def to_pdf(invoice: Invoice) -> bytes:
    """An A4 invoice: letterhead, the table (wrapped descriptions, header on every page), totals."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    width, height = A4
    font, size, leading = "Helvetica", 9, 12
    # column x positions: description wide on the left, numbers right-aligned after it
    numeric = [c for c in invoice.columns if c != "description"]
    right_edges = {c: width - 40 - 75 * (len(numeric) - 1 - i) for i, c in enumerate(numeric)}
    description_width = min(right_edges.values()) - 75 - 40

    def letterhead() -> float:
        canvas.setFont("Helvetica-Bold", 14)
        canvas.drawString(40, height - 50, "Northwind Supplies Ltd")
        canvas.setFont(font, size)
        canvas.drawString(40, height - 66, f"Invoice {invoice.number}")
        return height - 110

    def table_header(y: float) -> float:
        canvas.setFont("Helvetica-Bold", size)
        canvas.drawString(40, y, invoice.header["description"])
        for column in numeric:
            canvas.drawRightString(right_edges[column], y, invoice.header[column])
        canvas.setFont(font, size)
        return y - leading * 1.5

    y = table_header(letterhead())
    for item in invoice.items:
        lines = simpleSplit(item["description"], font, size, description_width)
        if y - leading * len(lines) < 80:  # the row would run off the page: continue on the next
            canvas.showPage()
            y = table_header(letterhead())
        canvas.drawString(40, y, lines[0])
        for column in numeric:
            canvas.drawRightString(right_edges[column], y, invoice.cell(item, column))
        for line in lines[1:]:
            y -= leading
            canvas.drawString(40, y, line)
        y -= leading * 1.3
    if y < 120:
        canvas.showPage()
        y = height - 80
    y -= leading
    label_x = right_edges["amount"] - 160
    for label, value in zip(invoice.totals, (invoice.subtotal, invoice.tax, invoice.total)):
        canvas.drawString(label_x, y, label)
        canvas.drawRightString(right_edges["amount"], y, invoice.money(value))
        y -= leading
    canvas.save()
    return buffer.getvalue()


def _rows(invoice: Invoice) -> list[list[str]]:
    header = [invoice.header[c] for c in invoice.columns]
    return [header, *([invoice.cell(item, c) for c in invoice.columns] for item in invoice.items)]


def to_docx(invoice: Invoice) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(f"Invoice {invoice.number}", 1)
    document.add_paragraph("Northwind Supplies Ltd")
    rows = _rows(invoice)
    table = document.add_table(rows=len(rows), cols=len(invoice.columns))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for label, value in zip(invoice.totals, (invoice.subtotal, invoice.tax, invoice.total)):
        document.add_paragraph(f"{label}: {invoice.money(value)}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_xlsx(invoice: Invoice) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in _rows(invoice):
        sheet.append(row)
    for label, value in zip(invoice.totals, (invoice.subtotal, invoice.tax, invoice.total)):
        sheet.append([label] + [""] * (len(invoice.columns) - 2) + [invoice.money(value)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


RENDERERS = {"pdf": to_pdf, "docx": to_docx, "xlsx": to_xlsx}
