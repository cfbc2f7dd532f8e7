from pipeline.classify import classify
from tests.conftest import make_document


def test_picks_the_type_whose_words_the_document_uses():
    nda = make_document("MUTUAL NON-DISCLOSURE AGREEMENT\nThe Receiving Party shall hold Confidential Information "
                        "in confidence. This Agreement shall be governed by the laws of Delaware.")
    invoice = make_document("INVOICE\nInvoice Number: 2023-17\nBill to: Foo GmbH\nSubtotal 100.00\nVAT 19% 19.00\n"
                            "Total 119.00\nDue date 2023-08-01")
    receipt = make_document("ABC MART SDN BHD\nCASHIER: 01\nQTY ITEM\n1 BREAD 3.00\nTOTAL 3.00\nCASH 10.00\n"
                            "CHANGE 7.00\nTHANK YOU")
    for doc, expected in ((nda, "nda"), (invoice, "invoice"), (receipt, "receipt")):
        name, probability = classify(doc)
        assert name == expected and 0.5 < probability <= 1.0


def test_unclear_document_is_not_sure():
    _, probability = classify(make_document("hello world"))
    assert probability < 0.5
