"""European invoices beyond German and French: Portuguese, Swedish and Polish labels choose the
pack and name the number, the dates, the amounts and the customer's block."""

from __future__ import annotations

from pipeline.cues import cues_for
from pipeline.schemas import model_from_json_schema
from tests.pipeline.test_invoice_header import AP_INVOICE, best
from tests.pipeline.test_rules import extract, plain

SWEDISH = """\
Ljusverket AB
Kungsgatan 4
411 19 Göteborg
FAKTURA
Fakturanummer: 7781
Fakturadatum: 2024-05-02
Förfallodatum: 2024-06-01
Beskrivning                 Belopp
Konsulttimmar             4 000,00
Summa exkl. moms          4 000,00
Moms 25 %                 1 000,00
Att betala (SEK)          5 000,00
Org.nr 556000-1111 · Momsreg.nr SE556000111101"""

POLISH = """\
FAKTURA VAT nr FV/7/2024
Data wystawienia: 2024-04-03
Sprzedawca:
Drukarnia Wisła Sp. z o.o.
ul. Polna 3, 30-001 Kraków
NIP: 675-000-11-22
Razem netto: 1 000,00 PLN
Kwota VAT 23%: 230,00 PLN
Do zapłaty: 1 230,00 zł
Termin płatności: 2024-04-17"""

PORTUGUESE = """\
Papelaria Tejo, Lda.
Rua do Ouro, 12
1100-060 Lisboa
NIF: 501 234 567
Data de emissão: 2024-02-01
Data de vencimento: 2024-03-02
Exmo(s). Senhor(es)
Gráfica Minho, S.A.
Rua Nova, 5
4700-001 Braga
Total ilíquido:   100,00 €
Total IVA (23%):   23,00 €
Total a pagar:    123,00 €"""


def test_swedish_polish_and_portuguese_invoices_choose_the_pack():
    for text in (SWEDISH, POLISH, PORTUGUESE):
        assert "invoices_eu" in cues_for(AP_INVOICE, text).names


def test_swedish_labels():
    found = extract(plain(SWEDISH), AP_INVOICE)
    assert best(found, "invoice_number") == "7781"
    assert (best(found, "invoice_date"), best(found, "due_date")) == ("2024-05-02", "2024-06-01")
    assert (best(found, "subtotal"), best(found, "tax"), best(found, "total")) == ("4000.00", "1000.00", "5000.00")


def test_polish_labels():
    found = extract(plain(POLISH), AP_INVOICE)
    assert best(found, "invoice_number") == "FV/7/2024"
    assert best(found, "due_date") == "2024-04-17"
    assert best(found, "vendor_vat_id") == "675-000-11-22"  # not the invoice's number after "nr"
    assert (best(found, "subtotal"), best(found, "total")) == ("1000.00", "1230.00")


def test_portuguese_labels_and_the_customers_block():
    found = extract(plain(PORTUGUESE), AP_INVOICE)
    assert best(found, "vendor") == "Papelaria Tejo, Lda."  # not the customer under "Exmo(s). Senhor(es)"
    assert best(found, "due_date") == "2024-03-02"
    assert (best(found, "subtotal"), best(found, "total")) == ("100.00", "123.00")


def test_a_document_number_on_an_invoice_is_its_invoice_number():
    schema = model_from_json_schema({"title": "BillingDocument", "properties": {"documentNumber": {"type": "string"}}})
    found = extract(plain("INVOICE\nInvoice #: AB-1001\nDate: 2024-01-02\nTotal 10.00"), schema)
    assert best(found, "documentNumber") == "AB-1001"


def test_a_portuguese_invoice_number_is_its_series_code_and_number():
    found = extract(plain("FATURA FT 2024A/77\n" + PORTUGUESE), AP_INVOICE)
    assert best(found, "invoice_number") == "FT 2024A/77"


def test_a_proforma_number_is_the_built_in_invoices_number():
    found = extract(plain("PROFORMA INVOICE\nProforma No: PI-2024-007\nDate: 02.01.2024\nTOTAL USD 1,000.00"), "invoice")
    assert best(found, "invoice_number") == "PI-2024-007"


FINNISH = """\
Koivu Design Oy
Kauppakatu 5
40100 Jyväskylä
Y-tunnus 7654321-0
LASKU
Laskun numero: 5512
Päivämäärä: 02.04.2024
Eräpäivä: 16.04.2024
Asiakas:
Järvi Rakennus Oy
Veroton yhteensä      500,00
ALV 25,5 %            127,50
Yhteensä              627,50 €"""


def test_finnish_labels():
    assert "invoices_eu" in cues_for(AP_INVOICE, FINNISH).names
    found = extract(plain(FINNISH), AP_INVOICE)
    assert best(found, "invoice_number") == "5512"
    assert best(found, "due_date") == "2024-04-16"
    assert (best(found, "subtotal"), best(found, "tax"), best(found, "total")) == ("500.00", "127.50", "627.50")
    assert best(found, "vendor_vat_id") == "7654321-0"
    assert best(found, "customer") == "Järvi Rakennus Oy"
