"""The ``contracts_us`` cue pack's finders on synthetic contract snippets: values, offsets, signals, absence."""

from __future__ import annotations

import pytest

from pipeline.cues import contracts_us, cues_for
from pipeline.cues.contracts_us import dates as contract_dates, parties as contract_parties
from pipeline.extractors.finding import Context, Proposal, rank
from pipeline.extractors.rules import propose
from pipeline.schemas import field_specs, get_schema, model_from_json_schema
from tests.conftest import make_document

NDA = get_schema("nda")
SPECS = {s.name: s for s in field_specs(NDA)}

PREAMBLE = (
    "EX-10.1 3 dex101.htm MUTUAL NON-DISCLOSURE AGREEMENT\n"
    "MUTUAL NON-DISCLOSURE AGREEMENT\n"
    'This Mutual Non-Disclosure Agreement (the "Agreement") is entered into as of March 3, 2015 '
    '(the "Effective Date") by and between Acme Widgets,\nInc., a Delaware corporation having its '
    'principal place of business at 1 Main Street, Dover, DE 19901 (the "Company"), and John Q. Smith, '
    'an individual ("Executive"). The Company and Executive are each a "Party".\n'
    "WHEREAS, Acme Widgets wishes to disclose certain information to Executive.\n"
)
GOVERNING_LAW = (
    "9. Governing Law. This Agreement shall be governed by and construed in accordance with the laws "
    "of the State of New York, without regard to its conflict of laws principles.\n"
)
TERM = "10. Term. This Agreement shall expire two (2) years from the date hereof.\n"


def proposals(field: str, *pages: str) -> tuple[str, list[Proposal]]:
    doc = make_document(*pages)
    spec = SPECS[field]
    return doc.text, rank(propose(Context(doc, NDA), spec), limit=10)


def evidence(text: str, proposal: Proposal) -> str:
    start, end = proposal.spans[0]
    return text[start:end]


def test_the_nda_type_selects_the_pack_for_its_legal_kinds():
    cues = cues_for(NDA)
    assert cues.finders("jurisdiction", False) == [contracts_us.find_jurisdiction]
    assert cues.finders("term", False) == [contracts_us.find_period]  # the term, a renewal or its notice
    assert cues.finders("organization", True) == [contracts_us.find_parties]
    assert cues.finders("date", False) == [contracts_us.find_date]


def test_a_type_without_the_pack_gets_no_contract_finders():
    """A type that names its packs and not the contract one: a list of organisations gets only
    the generic organisation finder's names and a date field whose aliases read like a contract's is found by the generic
    date finder (a type that names no pack at all gets the contract phrasings for an agreement,
    see test_packs)."""
    from schemas.base import DocumentSchema, field
    from schemas.types import Date, Organization

    class Letter(DocumentSchema):
        name = "letter_test"
        cues = ["invoices_eu"]
        signed: list[Organization] = field("Signers.", many=True)
        effective: Date | None = field("Effective date.", aliases=["effective as of"])

    doc = make_document(PREAMBLE)
    specs = {s.name: s for s in field_specs(Letter)}
    generic_names = propose(Context(doc, Letter), specs["signed"])
    assert all("support" not in p.signals for p in generic_names)  # the kind's finder, not the parties'
    generic = propose(Context(doc, Letter), specs["effective"])
    assert [p.value for p in generic] == ["2015-03-03"] and "position" in generic[0].signals
    assert "share" in propose(Context(doc, NDA), SPECS["effective_date"])[0].signals  # the pack's finder


# -- jurisdiction -----------------------------------------------------------------------------


def test_jurisdiction_from_governing_law_clause():
    text, found = proposals("jurisdiction", PREAMBLE + GOVERNING_LAW)
    best = found[0]
    assert best.value == "New York"
    assert evidence(text, best) == "New York"
    assert best.signals["match"] >= 0.9 and best.signals["typed"] == 1.0


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("shall be construed and enforced pursuant to the laws of The Commonwealth of Massachusetts.", "Massachusetts"),
        ("This Agreement is governed by the internal laws of the state of delaware.", "Delaware"),
        ("This Agreement shall be governed by the laws of England and Wales.", "England and Wales"),
        ("This letter shall be governed by the laws of the Province of Ontario.", "Ontario"),
        ("This agreement shall be governed by Kansas law, without regard to its choice of law.", "Kansas"),
        ("This Agreement shall be governed by the laws of the United States of America, State of California.",
         "California"),
        ("This Agreement shall be governed by the internal laws State of New York.", "New York"),
        ("This Manual is governed by the applicable regulations of the Republic of Colombia.", "Colombia"),
        ("This Agreement is accepted in the State of Nevada and shall be governed by the laws thereof.", "Nevada"),
        ("The laws of the province of Ontario, Canada, govern this AGREEMENT.", "Ontario"),
        ("This Agreement shall be governed by the laws (other than the conflict of laws rules) of the United "
         "States and the State of Indiana.", "Indiana"),
        # as contracts print it, not in ISO's sorting order ("Virgin Islands, British")
        ("This Agreement is governed by the laws of the British Virgin Islands.", "British Virgin Islands"),
    ],
)
def test_jurisdiction_canonical_names(sentence, value):
    text, found = proposals("jurisdiction", sentence)
    assert found[0].value == value
    assert evidence(text, found[0]).lower().replace("the ", "") == value.lower()


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("The parties agree that this Agreement shall be construed in accordance with English law.", "England and Wales"),
        ("This Agreement will be governed by PRC Laws.", "China"),
        ("This Agreement is governed by Swiss law.", "Switzerland"),
    ],
)
def test_a_legal_system_named_by_its_adjective(sentence, value):
    assert proposals("jurisdiction", sentence)[1][0].value == value


def test_incorporation_is_not_governing_law():
    text = "Altimo Holdings Limited, a company organized under the laws of the British Virgin Islands."
    assert proposals("jurisdiction", text)[1] == []


def test_courts_seat_is_weak_evidence_when_no_law_is_named():
    _, found = proposals("jurisdiction", "The parties submit to the courts of the State of Texas.")
    assert found[0].value == "Texas" and found[0].signals["match"] <= 0.5


def test_no_jurisdiction_without_a_place():
    assert proposals("jurisdiction", PREAMBLE + TERM)[1] == []


# -- term ---------------------------------------------------------------------------------------


def test_term_from_expiry_clause():
    text, found = proposals("term", PREAMBLE + TERM)
    assert found[0].value == "2 years"
    assert evidence(text, found[0]) == "two (2) years"
    assert found[0].signals["match"] >= 0.85


def test_term_of_the_agreement_in_months():
    text = "The term of this Agreement shall be for a period of eighteen (18) months unless terminated earlier."
    assert proposals("term", text)[1][0].value == "18 months"


@pytest.mark.parametrize(
    "sentence",
    [
        "During the term of this Agreement and for a period of one (1) year thereafter, Employee will not compete.",
        "Either party may terminate this Agreement upon thirty (30) days written notice.",
        "This Agreement shall continue for one (1) year after termination of employment.",
        "The Company was founded three years ago.",
        # a notice period written as a possessive is no term either
        "This Agreement shall continue until terminated by either party giving the other not less than "
        "three months' prior notice in writing.",
        "This Agreement shall remain in force until either party gives one week's notice.",
    ],
)
def test_other_periods_are_not_the_term(sentence):
    assert proposals("term", sentence)[1] == []


def test_termination_later_in_the_sentence_does_not_hide_the_term():
    text = "This Agreement shall terminate three (3) years from the Effective Date, and upon termination, no party is bound."
    assert proposals("term", text)[1][0].value == "3 years"


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        # the subject sits behind a long list of exceptions
        (
            "19. Your obligations under this Agreement, except: (i) the obligations with respect to any "
            "Confidential Information retained pursuant to Section 5 hereof, and (ii) as described in Sections "
            "13, 14, 15, 16, 17 and 18 hereof, shall terminate two (2) years from the date hereof.",
            "2 years",
        ),
        # a later alternative ("the date of consummation") does not make it another period
        ("This Agreement shall expire on the earlier of (i) eighteen months from the date hereof or (ii) "
         "the date of consummation of a transaction.", "18 months"),
        ("This Agreement shall cease to be effective two years after the date hereof.", "2 years"),
        ("4. Term. This Agreement shall be effective from and after the Effective Date for two (2) years or "
         "until its earlier termination by either Party.", "2 years"),
        ("19. Except as may otherwise be provided herein, the restrictions and covenants set forth herein shall "
         "terminate upon the expiration of a period of two years from the date hereof.", "2 years"),
        ("12. The restrictions and covenants set forth herein shall terminate and be of no further force or "
         "effect upon the two-year anniversary of this Agreement.", "2 years"),
        ('c. The "Term" means the period of time beginning on the Effective Date and ending on the later of '
         "(i) two years after the Effective Date or (ii) one year following the end of service.", "2 years"),
        ("Each party will continue to be bound by its obligations of confidentiality hereunder for a period "
         "of one (1) year from the date hereof.", "1 years"),
    ],
)
def test_term_from_the_date_hereof(sentence, value):
    assert proposals("term", sentence)[1][0].value == value


@pytest.mark.parametrize(
    "text",
    [
        # another section's covenant, across a numbered heading
        "5. This Agreement shall remain in effect until terminated.\n6.\nNonsolicitation.\nReceiving Party "
        "agrees that, for a period of twelve (12) months from the date hereof, it will not solicit employees.",
        # a deadline, not a term
        "You will repay the bonus of this Agreement if your employment is terminated within one year after "
        "the date of this Agreement.",
        # runs from another document's effective date
        "The restrictions of this Agreement shall remain in effect for twelve (12) months from the effective "
        "date of the Order enforcing it.",
    ],
)
def test_periods_from_the_date_hereof_that_are_not_the_term(text):
    assert proposals("term", text)[1] == []


# -- parties ------------------------------------------------------------------------------------


def test_parties_from_preamble_each_once():
    text, found = proposals("party", PREAMBLE + GOVERNING_LAW)
    assert [p.value for p in found] == ["Acme Widgets, Inc.", "John Q. Smith"]
    assert evidence(text, found[0]) == "Acme Widgets,\nInc."  # the printed span, line break kept
    assert all(text[s:e] == evidence(text, p) for p in found for s, e in p.spans)
    assert found[0].signals["match"] >= 0.85 and found[0].signals["typed"] == 1.0


def test_parties_listed_after_between():
    text = (
        "This Non-Disclosure Agreement is made this 6th of February, 1999 by and between High Speed "
        "Net Solutions and R. J. Seifert Enterprises. The Parties agree as follows."
    )
    values = [p.value for p in proposals("party", text)[1]]
    assert values == ["High Speed Net Solutions", "R. J. Seifert Enterprises"]


def test_letter_agreement_parties():
    text = (
        "CONFIDENTIALITY AGREEMENT\nJanuary 30, 2013\nBeta Holdings LLC\n133 Peachtree Street\n"
        "Atlanta, GA 30303\nLadies and Gentlemen:\n"
        'Beta Holdings LLC ("Buyer") has requested certain information regarding Gamma Corp. '
        '(the "Company") in connection with a possible transaction (the "Transaction").'
    )
    assert [p.value for p in proposals("party", text)[1]] == ["Beta Holdings LLC", "Gamma Corp."]


def test_party_names_are_cleaned():
    text = (
        'This Agreement is entered into by and between Maher Albitar, M.D., an individual ("Contractor") '
        'and PACKETEER, INC . ("Packeteer").'
    )
    assert [p.value for p in proposals("party", text)[1]] == ["Maher Albitar", "PACKETEER, INC."]


EMPLOYEE_PREAMBLE = (
    "CONFIDENTIALITY AGREEMENT\nAs a condition of my employment with Acme Widgets, Inc., a Delaware "
    'corporation (the "Company"), I agree to the following.\n1. I will keep the information secret.\n'
)


def signing_parties(blocks: str) -> list[str]:
    """The parties of the one-party employee preamble followed by ``blocks``."""
    return [p.value for p in proposals("party", EMPLOYEE_PREAMBLE + blocks)[1]]


def padded(preamble: str) -> str:
    """A preamble under a title long enough for the recitals' search (it starts 200 characters in)."""
    return "NON-DISCLOSURE AGREEMENT\n" + "(Execution version of the confidentiality undertaking.)\n" * 4 + preamble


def test_party_who_only_signs_is_added_when_the_preamble_names_one():
    blocks = (
        "IN WITNESS WHEREOF, the parties have executed this Agreement.\n"
        "ACME WIDGETS, INC.\nBy: /s/ Mary Major\nName: Mary Major\nTitle: Chief Executive Officer\n"
        "/s/ John Q. Smith\nJohn Q. Smith\nWitness: /s/ Paul Minor\n"
    )
    text, found = proposals("party", EMPLOYEE_PREAMBLE + blocks)
    # the officer signing for the company and the witness are not parties; the employee is
    assert [p.value for p in found] == ["Acme Widgets, Inc.", "John Q. Smith"]
    assert evidence(text, found[1]) == "John Q. Smith"
    assert found[0].signals["position"] == 1.0 and found[1].signals["position"] == 1.0


def test_company_named_only_in_its_signature_block():
    blocks = (
        "Very truly yours,\nACME WIDGETS, INC.\nBy: /s/ Mary Major\nName: Mary Major\nTitle: President\n"
        "Accepted and agreed:\n(2) BETA\nHOLDINGS, L.P., a Delaware limited partnership\nBy: /s/ Ann Roe\n"
        "Title: Managing Partner\n"
    )
    values = [p.value for p in proposals("party", EMPLOYEE_PREAMBLE + blocks)[1]]
    assert values == ["Acme Widgets, Inc.", "BETA HOLDINGS, L.P."]  # a name wrapped over two lines


def test_signature_blocks_add_nobody_beside_two_named_parties():
    blocks = "ACME WIDGETS, INC.\nBy: /s/ Mary Major\nOMEGA PARTNERS LLC\nBy: /s/ Ann Roe\n/s/ Jane Doe\n"
    values = [p.value for p in proposals("party", PREAMBLE + blocks)[1]]
    assert values == ["Acme Widgets, Inc.", "John Q. Smith"]


def test_a_place_of_incorporation_and_a_signature_blocks_short_form_are_no_further_parties():
    """The territory a party is incorporated in is no party, in ISO's order ("Virgin Islands,
    U.S.") or as contracts print it; "and/or assigns" ends the second name; a signature block's
    shortened name with its description line is the party the preamble named."""
    text = (
        'This Agreement is entered into this 8th day of May 2014, by and between BIRCH FIRST GLOBAL '
        "INVESTMENTS INC., a corporation incorporated in the U.S. Virgin Islands, with its main place of "
        'business located 9100 Havensight, St. Thomas, VI 00802 (referred to as "Company") and MOUNT KNOWLEDGE HOLDINGS INC. '
        'and/or assigns, a corporation incorporated in the State of Nevada (referred to as "MA").\n'
        "1. Services. MA markets the Technology.\n"
        "IN WITNESS WHEREOF the parties sign.\nBIRCH FIRST INVESTMENTS INC.\nA US Virgin Islands corporation\n"
        "By: /s/ Ann Roe\n"
    )
    values = [p.value for p in proposals("party", text)[1]]
    assert values == ["BIRCH FIRST GLOBAL INVESTMENTS INC.", "MOUNT KNOWLEDGE HOLDINGS INC."]


@pytest.mark.parametrize(
    "preamble, names",
    [
        # an OCR gap before an abbreviation's dot ends no name
        ('This Agreement is dated as of March 24, 2007 by and between Lone Star U.S . Acquisitions, LLC (the\n'
         '"Receiving Party") and Accredited Home Lenders Holding Co. (the "Company").',
         ["Lone Star U.S. Acquisitions, LLC", "Accredited Home Lenders Holding Co."]),
        # "&" opening the name's second line
        ('This Agreement is made by and between North American Galvanizing\n& Coating, Inc. ("North American") '
         'and AZZ incorporated ("AZZ").', ["North American Galvanizing & Coating, Inc.", "AZZ incorporated"]),
        # a possessive is no part of the name
        ("Dear Mr. Michaud:\nIn connection with J.F. Lehman & Company's (\"you\" or \"JFL\") consideration of a "
         'possible acquisition of OP-TECH Environmental Services, Inc. (the "Company"), you agree as follows.',
         ["J.F. Lehman & Company", "OP-TECH Environmental Services, Inc."]),
    ],
)
def test_names_across_ocr_gaps_line_breaks_and_possessives(preamble, names):
    assert sorted(p.value for p in proposals("party", preamble)[1]) == sorted(names)


def test_headings_are_no_parties():
    """A table of contents continued on its next page, and a schedule of other agreements,
    each followed by a bracketed note that reads like a defined term."""
    text = (
        "This Agreement is made between Palm, Inc., a Delaware corporation (\"Palm\"), and PalmSource, Inc., "
        "a Delaware corporation (\"PalmSource\").\n6.5\nRESOLUTION BY PALMSOURCE COMMITTEE\n7\n-i-\n"
        "TABLE OF CONTENTS\n(Continued)\nPage\nARTICLE 7 MISCELLANEOUS PROVISIONS\n"
        "Employee Name:\nSchedule of Restrictive Agreements\n(If none, insert \"NONE\")\n"
    )
    assert [p.value for p in proposals("party", text)[1]] == ["Palm, Inc.", "PalmSource, Inc."]


def test_a_person_signing_merges_with_the_preamble_name():
    found = proposals("party", PREAMBLE + "/s/ JOHN SMITH\nJOHN SMITH\n")[1]
    assert [p.value for p in found] == ["Acme Widgets, Inc.", "John Q. Smith"]  # the preamble's spelling


def test_party_with_its_group_before_the_defined_term():
    text = (
        "In consideration of your employment with or services to Delta Widgets, Inc. and its\n"
        'affiliates (collectively, the "Company"), you agree as follows:\n1. Secrecy.\n'
    )
    assert [p.value for p in proposals("party", text)[1]] == ["Delta Widgets, Inc."]
    text = (
        "As an employee of ALCiS Health, Inc, its subsidiary or its affiliate (together, the \u201cCompany\u201d), "
        "I agree to the following:\n1. Secrecy.\n"
    )
    assert [p.value for p in proposals("party", text)[1]] == ["ALCiS Health, Inc"]


@pytest.mark.parametrize(
    "preamble",
    [
        'This Agreement is made between Jane Roe ("Ms. Roe") and Omega Tools, Inc., and their affiliates.',
        'This Agreement is made by and between the undersigned ("Employee") and Omega Tools, Inc.,\nand its '
        "subsidiaries.",
    ],
)
def test_the_party_after_and_in_a_between_list(preamble):
    values = [p.value for p in proposals("party", preamble)[1]]
    assert "Omega Tools, Inc." in values and all("Employee" not in v for v in values)


def test_examples_and_other_names_of_a_party_are_not_parties():
    text = (
        'This Agreement is between Kappa Holdings, Inc. (the "Company") and Lambda Retail Corp. dba '
        'Lambda Outlet Company ("Lambda"). The term "Company" includes its subsidiaries, including, without '
        'limitation, Kappa Foods LLC ("Foods"), and its advisors, including Mu Capital LLC ("Mu").'
    )
    assert [p.value for p in proposals("party", text)[1]] == ["Kappa Holdings, Inc.", "Lambda Retail Corp."]


def test_preliminary_statement_ends_the_preamble():
    text = (
        "CONSULTING, NON-COMPETITION AND CONFIDENTIALITY AGREEMENT\n"
        'This Consulting Agreement (the "Agreement") is made as of the 5th day of June 2011 by and between Nu Parts '
        'Company, a Delaware corporation ("Buyer"), and Xi Metals, Inc., an Ohio corporation ("Seller").\n'
        'PRELIMINARY STATEMENT\nBuyer acquired Omicron Wire Company, a Texas corporation ("Omicron"), from Seller.'
    )
    assert [p.value for p in proposals("party", text)[1]] == ["Nu Parts Company", "Xi Metals, Inc."]


def test_a_statute_is_not_a_party():
    text = 'This Agreement is between Rho Labs LLC ("Rho") and complies with the Americans with Disabilities Act.'
    assert [p.value for p in proposals("party", text)[1]] == ["Rho Labs LLC"]


@pytest.mark.parametrize(
    "block",
    [
        "SECOND PARTY\nBy:\n/s/ John Q. Smith\n",
        "EMPLOYEE:\n/s/ John Q. Smith\nBy: John Q. Smith\n",
        "EMPLOYEE:\nJohn Q. Smith\nDate:\n",
    ],
)
def test_an_individual_signing_under_a_role_label_is_a_party(block):
    blocks = "ACME WIDGETS, INC.\nBy: /s/ Mary Major\nTitle: Chief Executive Officer\n" + block
    assert signing_parties(blocks) == ["Acme Widgets, Inc.", "John Q. Smith"]


def test_ocr_gaps_and_doubled_suffixes_are_cleaned():
    text = (
        'This Agreement is entered into by and between Pick-A -Pet Stores, Inc., a Delaware corporation ("Pets"), '
        'and Sigma Labs, Inc. Inc., an Ohio corporation ("Sigma").'
    )
    assert [p.value for p in proposals("party", text)[1]] == ["Pick-A-Pet Stores, Inc.", "Sigma Labs, Inc."]


def test_a_party_named_by_its_title_and_surname_merges():
    text = 'This Agreement is between Paul T. Stone ("Mr. Stone") and Tau Foods LLC ("Tau"). Tau met with Stone.'
    assert [p.value for p in proposals("party", padded(text))[1]] == ["Paul T. Stone", "Tau Foods LLC"]


def test_the_first_numbered_section_ends_the_preamble():
    text = padded(
        'This Agreement is made between Phi Systems, Inc. ("Phi") and Chi Data LLC ("Chi").\n'
        "1. Consideration. Phi grants Chi options of Psi Holdings Corporation (\u201cPsi\u201d).\n"
    )
    assert [p.value for p in proposals("party", text)[1]] == ["Phi Systems, Inc.", "Chi Data LLC"]


def test_a_whole_series_of_examples_is_no_party():
    text = (
        'This Agreement is between Sable Bancorp, Inc. (the "Company") and Ann B. Lee ("Lee"). "Company" includes '
        'its affiliates, including, without limitation, Kestrel Advisors LLC (the "Advisor"), Heron Capital Inc. '
        '("HCI") and Wren Finance Corp. ("WFC"), and its subsidiary, Ibis Trust Company ("ITC").'
    )
    assert sorted(p.value for p in proposals("party", text)[1]) == ["Ann B. Lee", "Sable Bancorp, Inc."]


def test_descriptions_titles_and_labels_are_not_names():
    text = (
        "CONSULTING AGREEMENT\nAND GENERAL RELEASE\nBETA ROBOTICS, INC., a Delaware corporation, and Kiyo Sato "
        '(the "Consultant"), for its supplier, a Japanese corporation ("Supplier").\n'
    )
    assert sorted(p.value for p in proposals("party", text)[1]) == ["BETA ROBOTICS, INC.", "Kiyo Sato"]


def test_form_furniture_and_block_labels_in_signatures():
    blocks = (
        "FOR THE COMPANY:\nBy: /s/ Mary Major\nTitle: President\nCOMPANY ADDRESS\nBy: /s/ Mary Major\n"
        "CONSULTANT DELTA LABS, INC.\nBy: /s/ Ann Roe\nTitle: President\n"
    )
    assert signing_parties(blocks) == ["Acme Widgets, Inc.", "DELTA LABS, INC."]


def test_short_numbers_and_adjectives_inside_names():
    text = (
        'This Agreement is made by and between Back 4 More, Ltd. ("B4M"), EXHIBIT 10 Zeta Corp. ("Zeta") and '
        'Boston Private Data Holdings, Inc. ("BPDH").'
    )
    values = sorted(p.value for p in proposals("party", text)[1])
    assert values == ["Back 4 More, Ltd.", "Boston Private Data Holdings, Inc.", "Zeta Corp."]


def test_defined_terms_and_places_are_not_parties():
    text = (
        'This Agreement (the "Agreement") dated as of May 1, 2013 (the "Effective Date") concerns '
        'Confidential Information (the "Information") of a Delaware corporation (the "Discloser").'
    )
    assert proposals("party", text)[1] == []


# -- dates ----------------------------------------------------------------------------------


def test_effective_date_from_preamble():
    text, found = proposals("effective_date", PREAMBLE + GOVERNING_LAW)
    assert found[0].value == "2015-03-03"
    assert evidence(text, found[0]) == "March 3, 2015"
    assert found[0].signals["match"] >= 0.9


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("This Agreement is made as of the 5th day of November 2004, by and between A and B.", "2004-11-05"),
        ("This Agreement, dated this 6th day of January, 2012 is entered into by A.", "2012-01-06"),
        ("MUTUAL NONDISCLOSURE AGREEMENT\nEFFECTIVE DATE: 7/15/2010\nParties: A and B.", "2010-07-15"),
        ("Acme and Beta agree, as from July 1, 2011 (the “Effective Date”), as follows.", "2011-07-01"),
    ],
)
def test_contract_date_phrasings(sentence, value):
    assert proposals("effective_date", sentence)[1][0].value == value


@pytest.mark.parametrize(
    "text",
    [
        "WHEREAS, pursuant to that certain Agreement and Plan of Merger dated as of May 1, 2013, A merges.",
        # "this Agreement" earlier in the sentence does not make the named agreement's date ours
        "Nor shall this Agreement constitute a waiver of any provision of the Registration Rights Agreement "
        "dated as of May 30, 2001 between A and B.",
        "Terms have the meanings given in the Nomination Agreement (the “Nomination Agreement”), dated as of "
        "March 26, 2018, among the Company and the Designee.",
        "This Agreement shall supersede the Mutual Non-Disclosure Agreement entered into between Buyer and "
        "Company dated May 9, 2007.",
        "This agreement amends and restates the Company's prior agreement with you dated December 18, 2008.",
        "Employee and the Company are parties to a Covenant Not to Compete Agreement dated as of "
        "February 28, 2006 (the “Prior Agreement”).",
        "It replaces the Employment Agreement between Acme Laboratories, Inc. and me dated July 10, 1978.",
    ],
)
def test_other_agreements_dates_are_skipped(text):
    assert proposals("effective_date", text)[1] == []


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        # a title without determiner, its date defined as this agreement's
        ("MUTUAL NON-DISCLOSURE AGREEMENT dated as of September 23, 2009 (this “Agreement”) among A and B.",
         "2009-09-23"),
        ("CONFIDENTIALITY AGREEMENT\nAGREEMENT entered into this 11 day of September 2009 by A and B.", "2009-09-11"),
        ("This is an Agreement, entered into on January 15, 2018, by and among A and B.", "2018-01-15"),
        ("NON-COMPETE AGREEMENT PARTIES: A and B DATE: July 24, 2008 RECITALS: A and B are parties.", "2008-07-24"),
        ("IN WITNESS WHEREOF, the parties have executed this agreement this 16th day of May, 2011.", "2011-05-16"),
    ],
)
def test_contract_dates_of_titles_headings_and_signatures(sentence, value):
    assert proposals("effective_date", sentence)[1][0].value == value


def test_the_last_signature_date_is_preferred():
    body = "Confidential Information shall be kept secret.\n" * 40
    signatures = "By: /s/ A\nSignature Date: 4/8/04\nBy: /s/ B\nSignature Date: 4/26/04\n"
    assert proposals("effective_date", body + signatures)[1][0].value == "2004-04-26"


def test_non_contract_date_fields_keep_the_generic_finder():
    receipt = get_schema("receipt")
    spec = next(s for s in field_specs(receipt) if s.kind == "date")
    doc = make_document("TAX INVOICE\nDATE: 15/01/2019 11:05:16 AM\nTOTAL: 9.00")
    assert contracts_us.find_date(Context(doc, receipt), spec) is None  # left to the next finder
    found = propose(Context(doc, receipt), spec)
    assert [p.value for p in found] == ["2019-01-15"]


# -- a plain contract schema's dates: the agreement's own date and when it expires ----------------


def _contract_schema():
    from pipeline.schemas import model_from_json_schema

    return model_from_json_schema({
        "title": "Commercial contract", "description": "Who signed an agreement, when, and until when.",
        "properties": {
            "agreement_date": {"type": "string", "format": "date"},
            "start_date": {"type": "string", "format": "date"},
            "expiration_date": {"type": "string", "format": "date"},
        },
    })


def _best(model, field: str, text: str) -> Proposal:
    spec = next(s for s in field_specs(model) if s.name == field)
    return max(propose(Context(make_document(text), model), spec), key=lambda p: p.strength)


def test_an_agreement_date_field_is_read_from_the_agreements_own_phrasing():
    """"agreement date" names the agreement's date: the preamble's, not a later date."""
    text = PREAMBLE + "The Company will deliver the goods by June 1, 2016.\n"
    assert _best(_contract_schema(), "agreement_date", text).value == "2015-03-03"
    assert _best(_contract_schema(), "start_date", text).value == "2015-03-03"  # when it starts


@pytest.mark.parametrize(
    "clause, value",
    [
        ("The term of this Agreement shall expire on December 31, 2028.", "2028-12-31"),
        ("TERM: November 01, 2014 to October 31, 2017", "2017-10-31"),
        ("the initial term of this Agreement is the Effective Date through March 15, 2022.", "2022-03-15"),
        ("2.1 Contract start: 04-01-06\n2.2 Contract end: 04-01-08", "2008-04-01"),
        # a deadline "prior to" a date is no end of the term, however often it is printed
        ("The term of this Agreement shall expire on December 31, 2028. Either party may terminate this "
         "Agreement if on or prior to December 1, 2022 it gives notice, or if on or prior to December 1, 2022 "
         "fewer sales are made.", "2028-12-31"),
    ],
)
def test_an_expiration_date_the_contract_states(clause, value):
    found = _best(_contract_schema(), "expiration_date", PREAMBLE + clause + "\n")
    assert (found.value, "derived" in found.signals) == (value, False)


def test_an_expiration_date_from_the_agreements_date_and_its_term_is_derived_and_weaker():
    text = PREAMBLE + "This Agreement shall remain in effect for a period of five (5) years from the Effective Date.\n"
    found = _best(_contract_schema(), "expiration_date", text)
    assert (found.value, found.signals["derived"]) == ("2020-03-03", 1.0)
    # a count spelled in two words is the whole count ("twenty four (24)", not four)
    text = PREAMBLE + "This Agreement shall remain in effect for a period of twenty four (24)\nmonths from the date hereof.\n"
    assert _best(_contract_schema(), "expiration_date", text).value == "2017-03-03"
    assert found.signals["match"] < 0.5  # two printed values combined: never as strong as a stated date

    # no end date and no term: nothing, rather than the agreement's own date
    spec = next(s for s in field_specs(_contract_schema()) if s.name == "expiration_date")
    assert propose(Context(make_document(PREAMBLE), _contract_schema()), spec) == []


def test_an_agreement_without_a_date_of_its_own_is_dated_when_signed():
    body = "This Agreement is made between Acme Inc. and Globex Ltd.\n\n1. Services. Acme provides services.\n\n"
    signed = "THUS DONE AND SIGNED at Pretoria on this 31st day of March 2001\nBy: /s/ Jane Roe\nBy: /s/ John Doe\n"
    text, found = proposals("effective_date", body + signed)
    assert [p.value for p in found] == ["2001-03-31"] and found[0].signals["match"] <= 0.3
    # a date the agreement states is not diluted by the signing dates
    _, found = proposals("effective_date", PREAMBLE + signed)
    assert [p.value for p in found] == ["2015-03-03"]


def test_a_described_place_is_no_party_and_a_name_printed_twice_is_one():
    text = ('This Agreement is made by and between Acme Health, Inc., a Nevada corporation ("Acme"), and '
            'USA Managed Care Organization, A Texas Corporation ("USAMCO").')
    assert "A Texas Corporation" not in [p.value for p in proposals("party", text)[1]]
    text = 'This Agreement is made between PLAN_B MEDIA AG PLAN_B MEDIA AG ("Plan B") and Data Call Technologies, Inc.'
    assert "PLAN_B MEDIA AG" in [p.value for p in proposals("party", text)[1]]


@pytest.mark.parametrize(
    "text",
    [
        'This Agreement is made by and between Acme, Inc. ("Acme"), and Globex Report.com, LLC a Corporation organized under the laws of Florida ("Globex").',
        'This Agreement is made by and between Acme, Inc. ("Acme"), and GLOBEX ENTERPRISES, INC. c/o Initech, Inc., 1 Main Street ("Globex").',
        'This Agreement is made by and between Acme, Inc. ("Acme"), and Globex Research Centre, a not-for-profit research institution ("Globex").',
    ],
)
def test_parties_described_in_capitals_in_care_of_or_as_institutions(text):
    found = proposals("party", text)[1]
    assert found[0].value == "Acme, Inc." and found[1].value.lower().startswith("globex")
    assert found[1].signals["match"] >= 0.85  # described, not only listed after "and"


def _one_party_each(properties: dict, text: str) -> dict[str, str]:
    from pipeline.schemas import model_from_json_schema

    model = model_from_json_schema({"title": "NDA facts", "properties": properties})
    ctx = Context(make_document(text), model)
    return {s.name: rank(propose(ctx, s), limit=5)[0].value for s in field_specs(model) if s.kind == "organization" or "employee" in s.name}


def test_fields_of_one_party_each_are_the_party_their_name_defines_else_the_next_named():
    """"disclosing_party" is the party defined as the Disclosing Party, wherever the preamble
    names it; fields whose names define none take the parties in the preamble's order: two
    fields, two parties, never one read twice."""
    defined = (
        'This Agreement is entered into as of March 3, 2015 by and between Beta Labs LLC, a Texas limited '
        'liability company ("Receiving Party"), and Acme Widgets, Inc., a Delaware corporation '
        '("Disclosing Party").\nWHEREAS, the parties wish to talk.\n'
    )
    one = {"type": "string"}
    assert _one_party_each({"disclosing_party": one, "receiving_party": one}, defined) == {
        "disclosing_party": "Acme Widgets, Inc.", "receiving_party": "Beta Labs LLC"}
    assert _one_party_each({"party_a": one, "party_b": one}, PREAMBLE) == {
        "party_a": "Acme Widgets, Inc.", "party_b": "John Q. Smith"}
    # one field defined, the other takes the party left
    assert _one_party_each({"recipient": one, "company": one}, PREAMBLE) == {
        "recipient": "John Q. Smith", "company": "Acme Widgets, Inc."}


def test_a_date_valid_until_is_the_agreements_end():
    from pipeline.schemas import model_from_json_schema

    model = model_from_json_schema({"title": "Contract terms", "properties": {"valid_until": {"type": "string"}}})
    text = PREAMBLE + "5. Term. This Agreement shall expire on December 31, 2018.\n"
    best = rank(propose(Context(make_document(text), model), field_specs(model)[0]), limit=3)[0]
    assert best.value == "2018-12-31"


def test_an_agreement_that_has_an_effective_date_of_a_date_is_dated_so_whatever_the_fields_name():
    from pipeline.schemas import model_from_json_schema

    model = model_from_json_schema({"title": "NDA facts", "properties": {"commencement": {"type": "string"}}})
    text = (PREAMBLE.replace("as of March 3, 2015 ", "") + "This agreement has an effective date\nof April 9, 2003. "
            "It applies to information received under the May 13, 2003 License Agreement.\n")
    best = rank(propose(Context(make_document(text), model), field_specs(model)[0]), limit=3)[0]
    assert best.value == "2003-04-09"


# -- a contract schema a user writes: title, effective date, renewal term and its notice ----------

RENEWALS = model_from_json_schema({
    "title": "Contract renewals",
    "type": "object",
    "properties": {
        "title": {"type": "string", "description": "Name of the contract as shown at the top."},
        "agreement_date": {"type": "string", "format": "date"},
        "effective_date": {"type": "string", "format": "date"},
        "renewal_term": {"type": "string", "description": "Length of each renewal."},
        "notice_period": {"type": "string", "description": "Notice needed to stop the contract renewing."},
        "signer_title": {"type": "string"},
    },
})
RENEWAL_SPECS = {s.name: s for s in field_specs(RENEWALS)}
CONTRACT = (
    "Exhibit 10.5\n"
    "DISTRIBUTOR AGREEMENT\n"
    'This Distributor Agreement (the "Agreement") is entered into as of January 21, 2005 by and between '
    'Acme Widgets, Inc., a Delaware corporation ("Vendor"), and Beta Sales LLC ("Distributor").\n'
)


def renewal_proposals(field: str, *pages: str) -> tuple[str, list[Proposal]]:
    doc = make_document(*pages)
    return doc.text, rank(propose(Context(doc, RENEWALS), RENEWAL_SPECS[field]), limit=10)


def test_a_renewal_term_is_one_renewals_length_and_its_notice_the_period_before_the_end():
    clause = (
        "2. Term. The initial term of this Agreement is three (3) years. This Agreement shall automatically "
        "renew for successive one (1) year periods unless either party gives notice of non-renewal at least "
        "thirty (30) days prior to the end of the then-current term.\n"
    )
    text, found = renewal_proposals("renewal_term", CONTRACT + clause)
    assert found[0].value == "1 years" and evidence(text, found[0]) == "one (1) year"
    text, found = renewal_proposals("notice_period", CONTRACT + clause)
    assert [p.value for p in found] == ["30 days"] and evidence(text, found[0]) == "thirty (30) days"


@pytest.mark.parametrize(("clause", "length"), [
    ("The term of this Agreement shall be one (1) year, automatically renewing annually thereafter.", "1 years"),
    ("You have the right to renew the franchise for two (2) successive terms equal to five (5) years each.", "5 years"),
    ("The Initial Term shall be subject to automatic successive renewal terms of ninety (90) days each.", "90 days"),
    ("This Agreement shall continue in effect for one year and from year to year thereafter.", "1 years"),
])
def test_a_renewal_is_read_in_the_phrasings_contracts_use(clause, length):
    _, found = renewal_proposals("renewal_term", CONTRACT + clause + "\n")
    assert found and found[0].value == length


def test_an_extension_both_parties_must_agree_to_is_no_renewal_and_then_no_notice_period_either():
    clause = (
        "This Agreement may be extended for one (1) year upon the parties' mutual written agreement. "
        "Either party may terminate this Agreement upon thirty (30) days prior written notice before the expiration of the term.\n"
    )
    assert renewal_proposals("renewal_term", CONTRACT + clause)[1] == []
    assert renewal_proposals("notice_period", CONTRACT + clause)[1] == []


def test_a_notice_to_stop_the_renewal_outranks_one_to_ask_for_it_and_a_period_after_the_end_is_none():
    clause = (
        "You have the right to renew the franchise for one (1) additional term of five (5) years. You must give us "
        "written notice of your desire to renew at least six (6) months prior to the end of the term. We shall give "
        "you written notice of our election not to renew at least three (3) months prior to the expiration of the term. "
        "We may purchase the assets by notice given within sixty (60) days after termination or expiration.\n"
    )
    _, found = renewal_proposals("notice_period", CONTRACT + clause)
    assert found[0].value == "3 months" and "60 days" not in [p.value for p in found]


def test_the_title_is_the_heading_naming_the_agreement_and_a_persons_title_is_left_alone():
    text, found = renewal_proposals("title", CONTRACT)
    assert found[0].value == "DISTRIBUTOR AGREEMENT" and evidence(text, found[0]) == "DISTRIBUTOR AGREEMENT"
    assert contracts_us.find_title(Context(make_document(CONTRACT), RENEWALS), RENEWAL_SPECS["signer_title"]) is None


@pytest.mark.parametrize(("head", "title"), [
    ("Exhibit 10.4 Split-Dollar Endorsement Agreement\nTHIS AGREEMENT is made on June 1, 2017.", "Split-Dollar Endorsement Agreement"),
    ("BW-3 FRANCHISE SYSTEMS, INC.          FRANCHISE AGREEMENT\nTABLE OF CONTENTS", "FRANCHISE AGREEMENT"),
    ("ADDENDUM TO\nZEBRA PARTNERCONNECT DISTRIBUTOR AGREEMENT\nTHIS ADDENDUM is made", "ADDENDUM TO ZEBRA PARTNERCONNECT DISTRIBUTOR AGREEMENT"),
    ("Exhibit 10.4 CONSULTING AGREEMENT This Consulting Agreement is made as of May 1, 2019", "CONSULTING AGREEMENT"),
])
def test_a_title_is_read_past_a_covers_words_and_across_columns_and_wrapped_lines(head, title):
    _, found = renewal_proposals("title", head + "\n")
    assert found[0].value == title


def test_a_contract_that_prints_no_title_has_none_and_another_agreements_name_is_not_it():
    body = "This Agreement is made as of May 1, 2019 pursuant to the Master Services Agreement between the parties.\n"
    assert renewal_proposals("title", body)[1] == []


def test_an_effective_date_field_reads_when_the_agreement_takes_effect_an_agreement_date_field_when_made():
    clause = "1. Term. This Agreement shall commence on 1 February 2005 and continue for two (2) years.\n"
    _, effective = renewal_proposals("effective_date", CONTRACT + clause)
    _, made = renewal_proposals("agreement_date", CONTRACT + clause)
    assert effective[0].value == "2005-02-01" and made[0].value == "2005-01-21"
    # a start of something else in it is no start of the agreement
    other = "The term of Employee's employment, which commenced April 15, 1999, continues.\n"
    _, effective = renewal_proposals("effective_date", CONTRACT + other)
    assert effective[0].value == "2005-01-21"


# -- parties as preambles outside the US introduce them, and under role labels -------------------


@pytest.mark.parametrize(
    "text, parties",
    [
        # English: a numbered list, each party described by its registration or its address
        ('THIS AGREEMENT is dated 2 March 2024\nPARTIES\n(1) NORTHGATE FREIGHT LIMITED incorporated and registered in '
         'England and\nWales with company number 01234567 whose registered office is at 5 Dock Road, Hull HU1 1AA '
         '(the "Company").\n(2) SARAH JONES of 4 Mill Lane, York YO1 7AB (the "Consultant").\nAGREED TERMS\n',
         {"NORTHGATE FREIGHT LIMITED": "Company", "SARAH JONES": "Consultant"}),
        # Australian: a company number after the name and the defined term bare in brackets
        ("Parties\nWombat Tools Pty Ltd ACN 111 222 333 of 1 George Street, Sydney NSW 2000 (Seller)\n"
         "Dingo Hardware Pty Ltd ACN 444 555 666 of 9 King Street, Perth WA 6000 (Buyer)\nBackground\n",
         {"Wombat Tools Pty Ltd": "Seller", "Dingo Hardware Pty Ltd": "Buyer"}),
        # Indian: "hereinafter referred to as", and "PRIVATE LIMITED" in capitals is the legal form
        ('THIS AGREEMENT is made at Pune BY AND BETWEEN:\nDECCAN MOTORS PRIVATE LIMITED, a company incorporated under '
         'the Companies Act, 2013, having its registered office at Pune 411 001, hereinafter referred to as the '
         '"Seller" (which expression shall include its successors) of the ONE PART;\nAND\nKONKAN AUTO PARTS PRIVATE '
         'LIMITED, a company incorporated under the Companies Act, 1956, hereinafter called the "Buyer" of the OTHER '
         'PART.\nWHEREAS the Buyer wishes to buy parts.\n',
         {"DECCAN MOTORS PRIVATE LIMITED": "Seller", "KONKAN AUTO PARTS PRIVATE LIMITED": "Buyer"}),
        # under role labels, on lines or in a table's rows (cells apart by tabs)
        ("LOAN AGREEMENT\nLender: Prairie State Bank, N.A., a national banking association\n"
         "Borrower: Hollow Creek Farms, LLC, a Kansas limited liability company\n1. The Loan.\n",
         {"Prairie State Bank, N.A.": "Lender", "Hollow Creek Farms, LLC": "Borrower"}),
        ("SERVICES AGREEMENT\nItem\tDetails\nClient\tSt. Mary Regional Hospital\n"
         "Service Provider\tBlue Heron Consulting, Inc., 4 Elm Street, Chicago\nThe parties agree as follows.\n",
         {"St. Mary Regional Hospital": "Client", "Blue Heron Consulting, Inc.": "Service Provider"}),
    ],
)
def test_parties_introduced_as_english_australian_and_indian_preambles_and_role_labels_do(text, parties):
    found = proposals("party", text)[1]
    assert [p.value for p in found] == list(parties)
    ctx = Context(make_document(text), NDA)
    terms = {p.value: p.aliases for p, _ in contract_parties._read_parties(ctx)}
    for name, term in parties.items():
        assert term in terms[name]


def test_professional_corporations_and_national_banks_keep_their_legal_form():
    text = (
        'THIS LEASE is made as of March 3, 2025, by and between Lone Oak Holdings, LLC, a Texas limited liability '
        'company ("Landlord"), and Smile Dental, P.C., a Texas professional corporation ("Tenant").\nRECITALS\n'
    )
    assert [p.value for p in proposals("party", text)[1]] == ["Lone Oak Holdings, LLC", "Smile Dental, P.C."]


def test_a_party_field_named_for_the_employee_is_the_party_defined_so():
    text = (
        'THIS AGREEMENT is dated 2 March 2024\nPARTIES\n(1) NORTHGATE FREIGHT LIMITED whose registered office is at '
        '5 Dock Road, Hull HU1 1AA (the "Employer").\n(2) SARAH JONES of 4 Mill Lane, York YO1 7AB (the "Employee").\n'
        "AGREED TERMS\n"
    )
    one = {"type": "string"}
    assert _one_party_each({"employee": one, "employer": one}, text) == {
        "employee": "SARAH JONES", "employer": "NORTHGATE FREIGHT LIMITED"}


# -- dates a contract defines, ends stated with a time or of what it is, recitals, "made at" ------


def _best_date(properties: dict, text: str) -> dict[str, str | None]:
    model = model_from_json_schema({"title": "Agreement facts", "properties": properties})
    ctx = Context(make_document(text), model)
    out = {}
    for spec in field_specs(model):
        found = rank(propose(ctx, spec), limit=3)
        out[spec.name] = found[0].value if found else None
    return out


def test_a_date_the_contract_defines_under_the_fields_label_is_that_fields():
    """"(the "Maturity Date")", "(the "Start Date")": the contract names the date as the field
    does, whatever other date the agreement's own phrasing would give."""
    text = PREAMBLE + (
        "2. Employment shall begin on September 2, 2015 (the \"Start Date\").\n"
        "3. All amounts shall be due and payable in full on November 1, 2022 (the \"Maturity Date\").\n"
    )
    date = {"type": "string", "format": "date"}
    assert _best_date({"start_date": date, "maturity_date": date}, text) == {
        "start_date": "2015-09-02", "maturity_date": "2022-11-01"}


@pytest.mark.parametrize(
    "clause, end",
    [
        ("The term of this Lease shall be sixty (60) months, commencing on April 1, 2025 and ending at 11:59 p.m. "
         "on March 31, 2030, unless sooner terminated.", "2030-03-31"),
        ("Your engagement begins on the Effective Date and ends on December 31, 2025.", "2025-12-31"),
        # a recital's old end gives way to the end the operative clause agrees
        ("WHEREAS, the Agreement by its terms expires on May 31, 2025; and\nNOW, THEREFORE, the parties agree: "
         "The term of the Agreement shall continue through December 31, 2026.", "2026-12-31"),
    ],
)
def test_an_end_stated_with_a_time_of_day_of_what_the_agreement_is_or_after_a_recital(clause, end):
    text = PREAMBLE.replace("WHEREAS, Acme Widgets wishes to disclose certain information to Executive.\n", "") + clause + "\n"
    assert _best_date({"expiration_date": {"type": "string", "format": "date"}}, text)["expiration_date"] == end


def test_an_agreement_made_at_a_place_on_a_date_is_dated_so():
    text = ('THIS LOAN AGREEMENT is executed at Mumbai on this 5th day of August, 2025\nBY AND BETWEEN:\n'
            'Deccan Motors Private Limited, a company incorporated under the Companies Act, 2013 (the "Lender")\n')
    assert _best_date({"effective_date": {"type": "string", "format": "date"}}, text)["effective_date"] == "2025-08-05"


def test_the_term_of_a_lease_or_licence_is_its_term():
    text = "2.1 Term. The term of this Lease shall be sixty (60) months (the \"Term\"), commencing on April 1, 2025."
    model = model_from_json_schema({"title": "Lease terms", "properties": {"term_months": {"type": "integer"}}})
    found = rank(propose(Context(make_document(text), model), field_specs(model)[0]), limit=3)
    assert found[0].value == "60 months"


def test_the_agreements_own_effective_date_defined_late_is_still_weighed_with_its_dateline():
    """"(the "Effective Date")" is the agreement's date as its other statements of it are (a long
    agreement defines it deep in its text, under a dateline): not a field's label defined once."""
    assert not contract_dates.find_defined_date(
        Context(make_document('It is effective as of October 30, 2008 (the "Effective Date").'), NDA), SPECS["effective_date"])


@pytest.mark.parametrize(
    "text, notice",
    [
        # an employment that runs until notice; the probation's shorter notice is another period
        ("2.1 The Appointment shall continue until terminated by either party giving the other not less than "
         "three months' prior notice in writing.\n2.3 During the probationary period the Appointment may be "
         "terminated by either party giving one week's notice.\n9.1 After probation either party may terminate "
         "the Appointment by giving not less than three months' notice.\n", "3 months"),
        # a notice not to renew is weaker than the notice that ends it at any time
        ("The term renews for successive one-year periods unless either party gives written notice of "
         "non-renewal at least ninety (90) days before the end of the then-current term.\n5. Termination. Either "
         "party may terminate Executive's employment at any time upon sixty (60) days' prior written notice.\n", "60 days"),
    ],
)
def test_a_notice_period_is_the_notice_that_ends_the_agreement_where_the_field_says_nothing_of_renewal(text, notice):
    model = model_from_json_schema({"title": "Employment contract", "properties": {"notice_period": {"type": "string"}}})
    found = rank(propose(Context(make_document(PREAMBLE + text), model), field_specs(model)[0]), limit=3)
    assert found[0].value == notice


# -- registrations in brackets, a letter "To,", an employment's sides, dotted dates, "Expiry" ------


def test_a_registration_in_brackets_describes_a_party_and_the_term_after_its_address_is_its_own():
    text = ('This Agreement is dated 3rd March 2025 and is made between:\n(1) LION CITY FOODS PTE. LTD. (UEN 201912345K), '
            'a company incorporated in Singapore with its registered office at 10 Anson Road, Singapore 079903 '
            '("Principal"); and\n(2) MEKONG TRADING CO., LTD., a company incorporated in Vietnam with its registered '
            'office at 45 Le Loi Street, District 1, Ho Chi Minh City ("Distributor").\n1. APPOINTMENT\n')
    assert [p.value for p in proposals("party", text)[1]] == ["LION CITY FOODS PTE. LTD.", "MEKONG TRADING CO., LTD."]
    text = ('THIS LEASE is made the 1st day of July 2025\nBETWEEN\n(1) CASTLEGATE ESTATES LIMITED (company number 04455667) '
            'whose registered office is at 20 Castle Street, Nottingham NG1 6AA (the "Landlord"); and\n(2) PEAK & VALLEY '
            'OUTDOOR LTD (company number 09988776) whose registered office is at 3 Market Place, Buxton SK17 6EB (the "Tenant").\n'
            '1. DEFINITIONS\n')
    assert [p.value for p in proposals("party", text)[1]] == ["CASTLEGATE ESTATES LIMITED", "PEAK & VALLEY OUTDOOR LTD"]
    assert _best_date({"effective_date": {"type": "string", "format": "date"}}, text)["effective_date"] == "2025-07-01"


def test_a_letters_addressee_after_to_comma_is_a_party_and_an_employment_has_its_sides():
    """"To,\\nMr. Rahul Sharma" (the address under it is not his name); the employer is the company
    ("the Company"), the employee the person, whichever the letter names first; a dotted date is
    day first and "Date of Joining" is when the employment starts."""
    text = ("INFOSPHERE TECHNOLOGIES PVT. LTD.\nGurugram, Haryana 122002\nDate: 01.04.2025\nTo,\nMr. Rahul Sharma\n"
            "H. No. 112, Sector 15\nFaridabad, Haryana 121007\nSub: Letter of Appointment\nDear Rahul,\nWe are pleased "
            'to appoint you as Engineer with Infosphere Technologies Pvt. Ltd. (the "Company") on the following terms.\n'
            "1. Date of Joining: Your date of joining shall be 15th April 2025.\n"
            "5. This appointment shall be governed by the laws of India.\n")
    assert sorted(p.value for p in proposals("party", text)[1]) == ["Infosphere Technologies Pvt. Ltd.", "Rahul Sharma"]
    one = {"type": "string"}
    assert _one_party_each({"employer": one, "employee": one}, text) == {
        "employer": "Infosphere Technologies Pvt. Ltd.", "employee": "Rahul Sharma"}
    date = {"type": "string", "format": "date"}
    assert _best_date({"effective_date": date, "start_date": date}, text) == {
        "effective_date": "2025-04-01", "start_date": "2025-04-15"}


def test_an_expiry_date_label_and_an_end_on_and_including_a_date_end_the_agreement():
    assert _best_date({"expiration_date": {"type": "string"}}, PREAMBLE + "Expiry Date:   30 June 2026\n")["expiration_date"] == "2026-06-30"
    text = PREAMBLE + '"Term" means a term of five years commencing on and including 1 August 2025 and ending on and including 31 July 2030.\n'
    assert _best_date({"expiration_date": {"type": "string"}}, text)["expiration_date"] == "2030-07-31"
    model = model_from_json_schema({"title": "Lease", "properties": {"term_months": {"type": "integer"}}})
    assert rank(propose(Context(make_document(text), model), field_specs(model)[0]), limit=3)[0].value == "5 years"


def test_a_date_defined_under_a_longer_name_ending_in_the_fields_label_is_that_fields():
    text = PREAMBLE + 'The term commences on and including 1 August 2025 (the "Term Commencement Date").\n'
    assert _best_date({"commencement_date": {"type": "string"}}, text)["commencement_date"] == "2025-08-01"


def test_a_loan_or_tenancy_schema_gets_the_contract_phrasings():
    from pipeline.cues import packs_about

    assert "contracts_us" in packs_about("loan_terms") and "contracts_us" in packs_about("Tenancy details")


def test_a_dotted_date_is_day_first_unless_only_month_first_reads_it():
    read = lambda printed: contract_dates.date_value(contract_dates.DATE.search(printed))  # noqa: E731
    assert (read("Date: 01.04.2025"), read("DATE: 3.26.01"), read("on 11/03/2025")) == ("2025-04-01", "2001-03-26", "2025-11-03")


def test_a_memorandum_names_its_parties_above_hereinafter_and_ends_when_valid_until():
    text = ('MEMORANDUM OF UNDERSTANDING\nbetween\nAlpenblick Solartechnik GmbH, Leopoldstraße 120, 80802 München, Germany\n'
            '- hereinafter "Alpenblick" -\nand\nLumière Énergie S.A., 18 rue de Rivoli, 75004 Paris, France\n'
            '- hereinafter "Lumière" -\ndated 15.09.2025\n1. Purpose\nThe parties intend to cooperate.\n'
            "4. Duration\nThis Memorandum is valid until 31.12.2026.\n")
    assert [p.value for p in proposals("party", text)[1]] == ["Alpenblick Solartechnik GmbH", "Lumière Énergie S.A."]
    assert _best_date({"expiration_date": {"type": "string"}}, text)["expiration_date"] == "2026-12-31"


def test_a_residential_lease_under_role_labels_its_date_of_agreement_and_its_lease_term():
    text = ("RESIDENTIAL LEASE AGREEMENT\nDate of Agreement: August 12, 2025\nLandlord: Gregory and Ellen Foster\n"
            "Tenant: Jamal Washington\n1. TERM. The lease term is twelve (12) months, beginning September 1, 2025 and "
            "ending August 31, 2026.\n2. RENT. Tenant agrees to pay rent of $1,850.00 per month.\n")
    one = {"type": "string"}
    assert _one_party_each({"landlord": one, "tenant": one}, text) == {
        "landlord": "Gregory and Ellen Foster", "tenant": "Jamal Washington"}
    assert _best_date({"agreement_date": one, "commencement_date": one}, text) == {
        "agreement_date": "2025-08-12", "commencement_date": "2025-09-01"}
    model = model_from_json_schema({"title": "Lease", "properties": {"term_months": {"type": "integer"}}})
    assert rank(propose(Context(make_document(text), model), field_specs(model)[0]), limit=3)[0].value == "12 months"


def test_an_effective_date_is_the_agreements_own_date_before_its_terms_commencement():
    """A lease made as of 3 March whose term commences on 1 April is effective on 3 March; a
    commencement date field reads 1 April; "This Agreement shall commence on" is still when the
    agreement takes effect, and a term's commencement is the effective date where the agreement
    states no date of its own."""
    text = ('THIS LEASE (this "Lease") is made and entered into as of March 3, 2025, by and between Acme Realty, LLC '
            '("Landlord") and Beta Dental, P.C. ("Tenant").\n2.1 Term. The term of this Lease shall be sixty (60) months, '
            'commencing on April 1, 2025 (the "Commencement Date").\n')
    date = {"type": "string", "format": "date"}
    assert _best_date({"effective_date": date, "commencement_date": date}, text) == {
        "effective_date": "2025-03-03", "commencement_date": "2025-04-01"}
    undated = text.replace("made and entered into as of March 3, 2025, ", "made ")
    assert _best_date({"effective_date": date}, undated)["effective_date"] == "2025-04-01"
    own = text + "This Agreement shall commence on April 15, 2025.\n"
    assert _best_date({"effective_date": date}, own)["effective_date"] == "2025-04-15"
