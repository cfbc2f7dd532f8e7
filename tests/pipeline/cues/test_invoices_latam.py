"""Mexican CFDI and Brazilian NF-e invoices: the pack is chosen by the document's signs and reads
the folio, the RFC or CNPJ, the buyer under "Receptor", and pesos printed as "$"."""

from __future__ import annotations

from pipeline.cues import cues_for
from pipeline.schemas import model_from_json_schema
from tests.pipeline.test_invoice_header import AP_INVOICE, best
from tests.pipeline.test_rules import extract, plain

CFDI = """\
Talleres Unidos del Norte, S.A. de C.V.
RFC: TUN010101AB1
Av. Constitución 400, Monterrey, N.L. C.P. 64000
FACTURA
Serie: B    Folio: 877
Folio Fiscal (UUID): 1B2C3D4E-0000-1111-2222-333344445555
Fecha de emisión: 2024-06-03T09:15:00
Receptor: Ferretería Garza, S. de R.L. de C.V.
RFC Receptor: FGA990101XY2
Moneda: MXN
Subtotal:   $1,000.00
IVA 16%:      $160.00
Total:      $1,160.00"""

DANFE = """\
DANFE   Documento Auxiliar da Nota Fiscal Eletrônica   Nº 000.004.512  SÉRIE 001
METALÚRGICA SERRA LTDA
Rua da Indústria, 90 - Distrito Industrial   Joinville - SC   CEP 89219-500
CNPJ: 11.222.333/0001-44
DESTINATÁRIO / REMETENTE
NOME / RAZÃO SOCIAL: CONSTRUTORA LITORAL EIRELI
DATA DA EMISSÃO: 12/03/2024
VALOR TOTAL DA NOTA: 2.500,00
Valor aproximado dos tributos: R$ 450,00"""

CAMEL = model_from_json_schema({"title": "Bill", "properties": {
    "sellerName": {"type": "string"}, "sellerTaxNumber": {"type": "string"}, "buyerName": {"type": "string"},
    "documentNumber": {"type": "string"}, "issueDate": {"type": "string", "format": "date"},
    "grossAmount": {"type": "number"}, "currencyCode": {"type": "string"}}})


def test_two_signs_choose_the_pack_one_does_not():
    assert "invoices_latam" in cues_for(AP_INVOICE, CFDI).names
    assert "invoices_latam" in cues_for(AP_INVOICE, DANFE).names
    assert "invoices_latam" not in cues_for(AP_INVOICE, "Invoice\nOur supplier in Brazil, Ltda\nTotal 10.00").names


def test_a_cfdi_its_folio_rfc_buyer_and_pesos():
    found = extract(plain(CFDI), CAMEL)
    assert best(found, "sellerName") == "Talleres Unidos del Norte, S.A. de C.V."  # the particle "del" inside the name
    assert best(found, "sellerTaxNumber") == "TUN010101AB1"
    assert best(found, "buyerName") == "Ferretería Garza, S. de R.L. de C.V."
    assert best(found, "documentNumber") == "877"  # not the tax authority's UUID
    assert best(found, "grossAmount") == "1160.00"
    assert best(found, "currencyCode") == "MXN"


def test_a_danfe_its_number_cnpj_date_and_reais():
    found = extract(plain(DANFE), CAMEL)
    assert best(found, "sellerName") == "METALÚRGICA SERRA LTDA"
    assert best(found, "sellerTaxNumber") == "11.222.333/0001-44"
    assert best(found, "documentNumber") == "000.004.512"
    assert best(found, "issueDate") == "2024-03-12"
    assert best(found, "grossAmount") == "2500.00"
    assert best(found, "currencyCode") == "BRL"


def test_a_colombian_electronic_invoice_chooses_the_pack_and_its_nit_is_the_tax_number():
    text = "CAFÉ EJEMPLO S.A.S.\nNIT 900.123.456-7\nFACTURA ELECTRÓNICA DE VENTA No. FE-4521\nTotal a pagar (COP) $ 2.975.000,00"
    assert "invoices_latam" in cues_for(AP_INVOICE, text).names
    assert best(extract(plain(text), CAMEL), "sellerTaxNumber") == "900.123.456-7"
