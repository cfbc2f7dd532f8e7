"""Postal addresses on small made-up receipts: where a block starts and ends."""

from __future__ import annotations

from tests.pipeline.test_rules import extract, plain


def address(lines: list[str]) -> str:
    return extract(plain("\n".join(lines)), "receipt")["address"][0].value


def test_reference_numbers_and_tax_codes_are_no_address_cues():
    """A five-digit number inside a reference ("05/SE200209/42193") is no postcode, and a
    column of "ST" tax codes is no street."""
    lines = ["KEDAI MAJU SDN BHD", "NO 5, JALAN MERANTI 2,", "43000 KAJANG, SELANGOR", "TEL: 03-1234 5678",
             "05/SE200209/42193", "BREAD 2.00", "MILK 3.00", "ST", "ST", "ST", "ST", "TOTAL 5.00"]
    assert address(lines) == "NO 5, JALAN MERANTI 2, 43000 KAJANG, SELANGOR"
    found = extract(plain("\n".join(lines)), "receipt")["address"]
    assert not any(c.value.startswith(("05/", "ST")) for c in found)


def test_contact_details_end_the_address_on_their_own_line():
    """The address goes on to the postcode line that the phone number shares, and stops there."""
    lines = ["KEDAI MAJU SDN BHD 862725-U", "NO.1, JALAN PERMAS 10/5, BANDAR BARU PERMAS JAYA",
             "81750 JOHOR BAHRU, JOHOR, TEL NO.: 07-387 3322", "WWW.KEDAIMAJU.COM", "TOTAL 5.00"]
    assert address(lines) == "NO.1, JALAN PERMAS 10/5, BANDAR BARU PERMAS JAYA 81750 JOHOR BAHRU, JOHOR"


def test_a_line_ending_in_a_comma_carries_the_address_to_the_next():
    """A place name without cues belongs to the address when the line above ends in a comma;
    without the comma, the block ends on its last line with cues."""
    lines = ["THREE BROTHERS BISTRO", "109, SS21/1A,", "DAMANSARA UTAMA", "GST ID : 001661886464", "TOTAL 5.00"]
    assert address(lines) == "109, SS21/1A, DAMANSARA UTAMA"
    lines[1] = "109, JALAN SS21/1A"
    assert address(lines) == "109, JALAN SS21/1A"


def test_a_line_opening_with_kg_is_a_village_not_a_legal_form():
    """"KG." opening a line that goes on is a kampung (a name ends with its legal form); a
    company's "CO. (M) SDN BHD" line, all legal forms, still names the company."""
    lines = ["LIM & COMPANY", "REG. NO:00168397-H", "NO.54, BATU 5,JALAN IPOH,", "KG.BATU,", "51200 KUALA LUMPUR",
             "TEL: 03-6258 0869", "TOTAL 5.00"]
    assert address(lines) == "NO.54, BATU 5,JALAN IPOH, KG.BATU, 51200 KUALA LUMPUR"
    lines = ["POPULAR BOOK", "CO. (M) SDN BHD", "NO 8, JALAN 7/118B, DESA TUN RAZAK", "56000 KUALA LUMPUR",
             "TEL: 03-4142 4540", "TOTAL 5.00"]
    assert address(lines) == "NO 8, JALAN 7/118B, DESA TUN RAZAK 56000 KUALA LUMPUR"


def test_a_number_alone_is_no_address():
    """A five-digit table or order number reads as a postcode, but a block without a word is
    no address."""
    lines = ["SUNRISE CAFE SDN BHD", "22 JALAN PERUSAHAAN 4", "TEL : 03-61855688", "TABLE", "10256", "TOTAL RM 5.00"]
    assert [c.value for c in extract(plain("\n".join(lines)), "receipt")["address"]] == ["22 JALAN PERUSAHAAN 4"]


def test_a_mall_is_part_of_the_address():
    """A shopping mall is a building, like a plaza: its line opens the address."""
    lines = ["KEDAI BUKU MAJU SDN BHD", "(1219716-T)", "RIVERSIDE MALL", "LOT 2-15, 2ND FLOOR", "TEL : 03-1234 5678",
             "TOTAL RM 5.00"]
    assert address(lines) == "RIVERSIDE MALL LOT 2-15, 2ND FLOOR"


def test_a_phone_number_without_a_label_ends_the_address():
    """Numbers and commas alone ("03-3279 1851,") are a phone number, not the address's last line."""
    lines = ["KEDAI RUNCIT MAJU", "BR NO.: 0195932-X", "NO 43-45-47G,", "TAMAN SEJATI,", "45600 BESTARI JAYA,",
             "KUALA SELANGOR.", "03-3279 1851,", "GST NO.:001601310720", "TOTAL RM 5.00"]
    assert address(lines) == "NO 43-45-47G, TAMAN SEJATI, 45600 BESTARI JAYA, KUALA SELANGOR."


def test_a_note_in_brackets_does_not_open_the_address():
    """A branch printed in brackets over the address, even with a street or a shop number in
    it, is a note, not the address's first line."""
    for note in ("(JALAN BUNGA BRANCH)", "(BEAUTY SHOP (95874))"):
        lines = ["KEDAI MAJU SDN BHD", note, "LOT 29, JLN SERI SENTOSA 8,", "58000 KUALA LUMPUR.", "GST ID : 000349356032",
                 "TOTAL RM 5.00"]
        assert address(lines) == "LOT 29, JLN SERI SENTOSA 8, 58000 KUALA LUMPUR."


def test_the_label_before_an_address_is_left_out():
    """"Address:" or a shortening of it ("HQ ADD:") labels the address; "NO:" is part of it."""
    for label in ("HQ ADD: ", "Address: ", "ADDR.: "):
        lines = ["MAJU HERBS BHD (169199-V)", "GST ID NO: 001600892928", label + "LOT 11995, BATU 2, JALAN KAPAR",
                 "41400 KLANG, SELANGOR", "DATE: 15/12/2016", "TOTAL RM 5.00"]
        assert address(lines) == "LOT 11995, BATU 2, JALAN KAPAR 41400 KLANG, SELANGOR"
    lines[2] = "NO: G3, BLK G, JLN KAPAR"
    assert address(lines) == "NO: G3, BLK G, JLN KAPAR 41400 KLANG, SELANGOR"


def test_a_note_in_brackets_right_under_the_address_ends_it():
    """The mall or shop the address is in, in brackets under it, is part of it; a note after
    the contact lines is not, nor is a bracket holding a number."""
    lines = ["KEDAI MAJU SDN BHD", "LOT 18, JALAN KPB 6,", "43300 SERI KEMBANGAN, SELANGOR", "(SUNRISE PUTRA NILAI)",
             "(GST ID NO :001092886528)", "(BRANCH 2)", "-INVOICE-", "TOTAL RM 5.00"]
    assert address(lines) == "LOT 18, JALAN KPB 6, 43300 SERI KEMBANGAN, SELANGOR (SUNRISE PUTRA NILAI)"
    del lines[3]
    assert address(lines) == "LOT 18, JALAN KPB 6, 43300 SERI KEMBANGAN, SELANGOR"


def test_an_address_that_ends_in_a_legal_form_is_a_company_name_not_plausibly_an_address():
    from pipeline.kinds import get_kind

    address = get_kind("address")
    assert address.implausible("OLIVE9 PHARMACY SDN BHD", "") == "a company's name, not an address"
    assert address.implausible("Acme Ltd.", "") is not None
    assert address.implausible("NO 5, JALAN SAGU 18, 81100 JOHOR BAHRU", "") is None
    assert address.implausible("12 Main Street, Springfield", "") is None


def test_street_lines_without_a_street_word():
    """A house number before a compass point ("3201 N BROADWAY") opens a street line, a store's
    number after "#" is no postcode, and a unit's floor and number ("#B1-21") is an address."""
    lines = ["WALGREENS #07741", "3201 N BROADWAY", "CHICAGO, IL 60657", "ADVIL 8.99", "TOTAL 8.99"]
    assert address(lines) == "3201 N BROADWAY CHICAGO, IL 60657"
    lines = ["TOAST BOX", "Raffles City Shopping Centre #B1-21", "252 North Bridge Road, Singapore 179103",
             "Kaya Toast Set S$6.20", "Grand Total S$6.20"]
    assert address(lines) == "Raffles City Shopping Centre #B1-21 252 North Bridge Road, Singapore 179103"


def test_a_street_word_or_region_ocr_misread_is_written_as_the_word():
    """RapidOCR read "TAMAN" as "TANAN" (at 0.46): the value is written as the cue packs' street
    word, one letter off, where OCR was unsure of the word; its evidence stays as printed.
    A word OCR was sure of, or a text layer's, is left as read."""
    from tests.pipeline.test_rules import boxed

    lines = ["KEDAI MAJU SDN BHD", "LOT 2811, JALAN ANGSA,", "TANAN BERKELEY", "41150 KLANG, SELANGAR", "TOTAL 5.00"]
    document = boxed("\n".join(lines))
    assert address(lines) == "LOT 2811, JALAN ANGSA, TANAN BERKELEY 41150 KLANG, SELANGAR"  # no OCR: as printed
    words = [w.model_copy(update={"confidence": 0.46 if w.text in ("TANAN", "SELANGAR") else 0.99}) for w in document.pages[0].words]
    scanned = document.model_copy(update={"pages": [document.pages[0].model_copy(update={"words": words, "ocr": True})]})
    found = extract(scanned, "receipt")["address"][0]
    assert found.value == "LOT 2811, JALAN ANGSA, TAMAN BERKELEY 41150 KLANG, SELANGOR"
    assert "TANAN" in found.raw


def test_a_region_ocr_misread_still_carries_the_address_to_its_line():
    """"SELANGAR DE" (at 0.58) is scored as the region it is, so the block goes on to it."""
    from tests.pipeline.test_rules import boxed

    lines = ["FIRST CITY PARKING SDN BHD", "A-09-10 PRIMA AVENUE", "THE TUBE, 1/39, DATARAN PRIMA", "47301 PETALING JAYA",
             "SELANGAR DE", "TEL : 03-7887 2622", "TOTAL RM5.00"]
    document = boxed("\n".join(lines))
    words = [w.model_copy(update={"confidence": 0.58 if w.text == "SELANGAR" else 0.99}) for w in document.pages[0].words]
    scanned = document.model_copy(update={"pages": [document.pages[0].model_copy(update={"words": words, "ocr": True})]})
    assert extract(scanned, "receipt")["address"][0].value == "A-09-10 PRIMA AVENUE THE TUBE, 1/39, DATARAN PRIMA 47301 PETALING JAYA SELANGOR DE"


def test_postcodes_of_other_countries_close_the_address():
    """The town line of a Canadian, Australian, Indian or Japanese address ends in its postcode
    ("V6Z 1K4", "VIC 3181", "560001", "160-0022"): read as none, the address stopped at its street."""
    cases = {
        ("725 Granville St", "Vancouver, BC V6Z 1K4"),
        ("Shop 4, 210 Chapel Street", "Prahran VIC 3181"),
        ("No. 45, MG Road", "Bengaluru, Karnataka 560001"),
        ("3-14-1 Shinjuku, Shinjuku-ku", "Tokyo 160-0022"),
        ("12, Anna Salai", "Chennai - 600002"),
    }
    for street, town in cases:
        assert address(["A SHOP", street, town, "Coffee 4.50", "TOTAL 4.50"]) == f"{street} {town}"
    # a GST number's label (GSTIN) ends the block as "GST" does
    lines = ["A SHOP", "12, Anna Salai", "Chennai - 600002", "GSTIN 33AAACA1234B1Z9", "Bill No: 7781 Dt: 08-Feb-24", "TOTAL 4.50"]
    assert address(lines) == "12, Anna Salai Chennai - 600002"


def test_a_store_number_and_the_end_of_a_tax_number_are_no_postcode():
    """Four digits after a name are the store's number ("Albert Heijn 1432"), not a postcode
    that opens the address, and a price with a decimal comma under it ("Kaas 5,49") carries
    it on no more than one with a point; five digits after other groups end a tax number
    ("SIRET 512 345 678 00021"), which the address does not run into."""
    lines = ["Albert Heijn 1432", "128 Queen Street", "1075 CW Amsterdam", "Kaas 5,49", "TOTAAL 5,49"]
    assert address(lines) == "128 Queen Street 1075 CW Amsterdam"
    lines = ["CARREFOUR CITY", "12 Main Street", "75004 Paris", "SIRET 512 345 678 00021", "TOTAL 5,49"]
    assert address(lines) == "12 Main Street 75004 Paris"


def test_a_number_after_a_number_sign_and_a_space_is_no_postcode():
    """A till's line of ids ("ST# 05678 OP# 00012") under the address does not carry it on:
    no postcode after "# ", and "ST#" labels a store's number, no street."""
    lines = ["SUPERCENTER", "9500 S IH 35 FRONTAGE RD", "AUSTIN TX 78748", "OP# 00012 TR# 03456", "TOTAL 10.96"]
    assert address(lines) == "9500 S IH 35 FRONTAGE RD AUSTIN TX 78748"
    lines[3] = "ST# 05678 OP# 00012 TE# 12 TR# 03456"
    assert address(lines) == "9500 S IH 35 FRONTAGE RD AUSTIN TX 78748"


def test_a_blank_line_ends_the_address():
    """What follows a blank line under an address is another part of the page ("Billing Period:
    Feb 28, 2025 - Mar 31, 2025" holds a comma and a number, not more of the address)."""
    lines = ["KEDAI MAJU SDN BHD", "1847 Alder Ridge Road", "Eugene, OR 97405", "", "Billing Period: Feb 28, 2025 - Mar 31, 2025",
             "TOTAL 5.00"]
    assert address(lines) == "1847 Alder Ridge Road Eugene, OR 97405"


def test_a_spanish_street_abbreviated_with_a_slash_opens_the_address():
    """A Spanish ticket prints its street as "C/ Colón 15" over the postcode and town: with the
    European words (chosen by the ticket's signs) the street is part of the address."""
    lines = ["SUPERMERCADOS EJEMPLO, S.A.", "C/ Colón 15", "46004 Valencia", "NIF A-46123456",
             "FACTURA SIMPLIFICADA", "Fecha: 22/02/2025", "TOTAL (€)   27,48", "TARJETA BANCARIA   27,48", "IVA 21%  1,17"]
    assert address(lines).startswith("C/ Colón 15")
