"""What a plain schema's field holds, read from its name, description and JSON type.

A user's JSON Schema or pydantic model says ``"parties": {"type": "array", "items":
{"type": "string"}}`` and nothing docloop-specific. The words of the field's name and
description choose the value kind (``x-kind`` still wins when given), so parties get the
organisation finders, a governing law the jurisdiction finder, an expiration date the
date parser and grounding, an invoice number the identifier checks. The name itself,
in words, becomes a printed label to look for when the schema gives no ``x-aliases``.
"""

from __future__ import annotations

import re
from typing import Any

from schemas.checks import CrossCheck, in_order, sums_to
from schemas.types import ISO_4217

def _plurals(words: frozenset[str]) -> frozenset[str]:
    """A list of entities is named in the plural: "counterparties", "suppliers"."""
    return words | {w[:-1] + "ies" if w.endswith("y") else w + "es" if w.endswith("s") else w + "s" for w in words}


# words that name a moment by what happens then; documents print them with "date" ("effective" is
# printed "Effective Date")
_MOMENTS = frozenset("effective commencement expiry expiration start end arrival departure".split())

# Checked in order: the first kind whose words occur wins ("payment date" is a date,
# "amount currency" a currency, "tax rate" a percentage).
_NAME_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("date", frozenset("date dated datetime timestamp day dob birthday deadline expires".split()) | _MOMENTS),
    ("currency", frozenset("currency currencies".split())),
    ("percent", frozenset("percent percentage rate".split())),
    ("jurisdiction", frozenset("jurisdiction jurisdictions law laws venue governed governing".split())),
    # how long something runs, and contracts' renewals and notice ("renewal_length", "notice_to_terminate_renewal")
    ("term", frozenset("term duration period length renewal renewals notice".split())),
    ("money", frozenset(
        "amount amounts total totals price prices cost costs fee fees sum subtotal tax vat balance salary payment "
        "pay wage wages bonus rent fare fares deposit premium charge charges penalty fine refund discount".split()
    )),
    # and numbers known by their initials: a US employer's and person's tax numbers, a vehicle's, a security's
    ("identifier", frozenset("number no num id ids identifier identifiers reference ref code iban ein ssn tin vin isin registration abn gstin".split())),
    ("address", frozenset("address addresses location".split())),
    (
        "organization",
        _plurals(frozenset(
            "party company issuer vendor seller buyer supplier customer client "
            "organization organisation employer guarantor franchisor franchisee merchant outlet licensor licensee lessor lessee contractor store shop "
            "business restaurant retailer biller payee provider manufacturer distributor carrier shipper "
            "consignee lender borrower landlord tenant insurer firm counterparty entity payer recipient "
            "sender signatory beneficiary debtor creditor purchaser hotel airline "
            # institutions that issue reports, records and receipts
            "laboratory hospital clinic pharmacy university college institution institute "
            "charity foundation council authority agency".split()
        )),
    ),
)


_ORGANISATION_WORDS = dict(_NAME_WORDS)["organization"]
# words for a span of time, whose ends are dates ("period_from", "valid_to")
_SPANS = dict(_NAME_WORDS)["term"] - {"notice", "renewal", "renewals"} | frozenset("valid validity cover coverage".split())
# last words that let the words before them say what the field is: "currency_code", "vendor_name"
_WEAK_HEADS = frozenset("code codes name value".split())
# last words that make a field free text whatever the words before them
_TEXT_HEADS = frozenset(
    "terms conditions method methods description descriptions notes note comment comments remarks "
    "status type mode purpose category instructions memo title subject role roles".split()
)


def spaced(text: str) -> str:
    """camelCase and PascalCase words apart: ``ReceiptScan`` -> ``Receipt Scan``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)


def words(text: str) -> list[str]:
    """``invoiceNumber``, ``invoice_number``, ``Invoice number`` -> ``["invoice", "number"]``; letters
of any alphabet ("währung", "numéro") are a word's own."""
    return [w for w in re.split(r"[\W_]+", spaced(text).casefold()) if w]


# Short forms users write in field names ("inv_dt", "vendor_addr", "tot_amt", "vat_pct"): read
# as the words they stand for, so they choose the kind and the printed labels as those do
_SHORT = {
    "addr": "address", "amt": "amount", "tot": "total", "dt": "date", "curr": "currency", "ccy": "currency",
    "pct": "percent", "perc": "percent", "inv": "invoice", "qty": "quantity", "desc": "description",
    "num": "number", "nbr": "number", "ref": "reference", "org": "organization", "eff": "effective",
    "exp": "expiration", "agmt": "agreement", "cust": "customer", "txn": "transaction", "juris": "jurisdiction",
    "biz": "business",
}


def spelled(text: str) -> list[str]:
    """:func:`words` with short forms written out: ``inv_dt`` -> ``["invoice", "date"]``."""
    return [_SHORT.get(w, w) for w in words(text)]


def infer_kind(name: str, prop: dict[str, Any]) -> str:
    """The value kind of a field without ``x-kind``: its JSON type first, then its name's last
    word, then any of its words."""
    if prop.get("format") in ("date", "date-time"):
        return "date"
    if prop.get("type") == "object" or "properties" in prop:
        return "object"
    if prop.get("enum") and not {"currency"} & set(words(name)):
        return "text"  # one of a list of words ("cash", "card"), whatever its name says
    if prop.get("type") == "boolean":
        return "text"  # yes or no ("mutual": "Whether both parties disclose"), never what its words name
    # "who": {"title": "Vendor name"}: the title is the field's name in words
    if (title := own_title(name, prop)) and (kind := infer_kind(title, {k: v for k, v in prop.items() if k != "title"})) != "text":
        return kind
    named = spelled(name)
    if (named[:-1] if named[-1:] == ["name"] else named)[-1:] in (["bank"], ["banks"]):
        return "organization"  # "bank_name", "issuing_bank"; not "bank_account" or "bank_code"
    # an English compound's last word says what it is ("payment_reference" is an identifier),
    # unless it is a word like "code" that leaves that to the words before it ("currency_code");
    # before "of", the word before it ("end_of_term" is a date, "terms_of_payment" free text)
    head = named[named.index("of", 1) - 1] if "of" in named[1:] else named[-1] if named else ""
    if (end := range_end(name)) and set(end[0].split()) & _SPANS:
        return "date"  # "period_to", "cover_until": an end of a span of time, not its length
    if head in _TEXT_HEADS and prop.get("type") not in ("number", "integer"):
        return "text"  # "payment_terms", "payment_method": about a payment, not an amount
    for kind, vocabulary in _NAME_WORDS:
        if head in vocabulary and head not in _WEAK_HEADS:
            return kind
    numeric = prop.get("type") in ("number", "integer")
    for kind, vocabulary in _NAME_WORDS:
        # a number is no name or place: "employee_count" counts employees
        if set(named) & vocabulary and not (numeric and kind in ("organization", "address")):
            return kind
    if numeric:
        return "money"
    if named[-1:] in (["on"], ["until"], ["since"], ["till"]) or named[-2:] in (["as", "of"], ["valid", "from"], ["check", "in"], ["check", "out"]) or (named[-1:] == ["at"] and len(named) > 1):
        return "date"  # "signed_on", "valid_until", "effective_as_of", "created_at", "check_in": when something happens
    if named in (["from"], ["to"]) or (named[-1:] in (["by"], ["to"]) and len(named) == 2 and named[0] in _DEALINGS):
        # "sold_by", "bill_to", a letter's "from": who did it, or to whom; unless the description
        # says what is meant ("ship_to": "Delivery address for the goods")
        described = [kind for kind, vocabulary in _NAME_WORDS if set(_opening_phrase(prop.get("description", ""))) & vocabulary]
        return described[0] if described else "organization"
    # "issued_on": "Date on the receipt"; "location": "Street address": a name that says
    # nothing leaves it to what the description says the value is, its opening noun phrase
    phrase = _opening_phrase(prop.get("description", ""))
    # a word for a moment names a date only as the phrase's head ("Departure", "Date of departure"),
    # not as what another thing is of ("Departure airport", "Arrival terminal")
    said = set(phrase) - (_MOMENTS - set(phrase[-1:]))
    for kind, vocabulary in _NAME_WORDS:
        if said & vocabulary:
            return kind
    # "store_name": "The business that issued the receipt."; "bill_to": "Name of the billed company"
    if (head in ("name", "to") or "name" in words(prop.get("description", ""))) and set(words(prop.get("description", ""))) & _ORGANISATION_WORDS:
        return "organization"
    return "text"


# what a party does or has done to it: the party's field is named "<word>_by" or "<word>_to"
_DEALINGS = frozenset(
    "sold issued billed bill invoiced invoice charged supplied shipped ship delivered deliver prepared made payable paid sent".split()
)


# words that end a description's opening noun phrase: "Date on the receipt", "Shop that sold it"
_PHRASE_ENDS = frozenset("of on in at for from to by with as that which who whom where when what how is are was".split())


def _opening_phrase(description: str) -> list[str]:
    """The words of a description up to the first that ends its opening noun phrase; none
    when it opens with a question word ("What the customer paid in total")."""
    phrase = []
    for word in spelled(re.split(r"[,.;:(]", description, maxsplit=1)[0]):
        if word in _PHRASE_ENDS:
            break
        phrase.append(word)
    return phrase


def own_title(name: str, prop: dict[str, Any]) -> str | None:
    """The ``title`` a schema gives a property, its name in words ("Vendor name" for ``who``);
    None where it only repeats the name, as pydantic titles every field ("Merchantname")."""
    title = prop.get("title")
    if not isinstance(title, str) or title == name.title().replace("_", " ") or words(title) == words(name):
        return None
    return title


# the last word of a field that is one end of a span printed as a range ("pay_period_start",
# "period_to", "cover_end_date"): 0 the first date printed, 1 the second
_RANGE_ENDS = {"start": 0, "from": 0, "begin": 0, "beginning": 0, "end": 1, "to": 1, "until": 1, "through": 1, "ending": 1}


def range_end(name: str) -> tuple[str, int] | None:
    """The printed label of the span a field is one end of, and which end: ``pay_period_start``
    -> ("pay period", 0), ``period_to`` -> ("period", 1); documents print the span once, as a
    range under its own label ("Pay Period 01/02/2025 - 28/02/2025"), not each end apart."""
    named = [w for w in spelled(name) if w != "date"]
    if len(named) < 2 or named[-1] not in _RANGE_ENDS or named[0] in _DEALINGS:
        return None
    return " ".join(named[:-1]), _RANGE_ENDS[named[-1]]


# the first word of a value that is the first or the last of its kind a document prints
# ("opening_balance", "closing_value"): 0 the first, -1 the last
_SEQUENCE = {
    "opening": 0, "beginning": 0, "starting": 0, "initial": 0, "previous": 0,
    "closing": -1, "ending": -1, "final": -1, "new": -1,
}


def sequence_end(name: str) -> tuple[str, int] | None:
    """The label of what a field is the first or last printed of, and which: ``opening_balance``
    -> ("balance", 0), ``closing_value`` -> ("value", -1). Statements date these ("Balance on 1
    March 2025", "Value of your pot at 5 April 2025") where they print no "opening" or "closing"."""
    named = spelled(name)
    if len(named) < 2 or named[0] not in _SEQUENCE:
        return None
    return " ".join(named[1:]), _SEQUENCE[named[0]]


def _says_kind(name: str) -> bool:
    return infer_kind(name, {}) != "text"


def field_labels(name: str, prop: dict[str, Any], key: str | None = None) -> list[str]:
    """The printed labels of a plain schema's field (``key``: its property's own name, where
    ``name`` is longer, "merchant_name" for a record's "name"): those of its title, then of its
    name (:func:`labels_from_name`) unless a title stands for a name that says nothing ("d1":
    "Agreement Date"); a field named neither way ("field4": "Total amount paid including tax")
    is labelled by its description's opening noun phrase, "Total"."""
    title = own_title(key or name, prop)
    named = [title] if title else []
    if not title or _says_kind(name):
        named.append(name)
    phrase = _opening_phrase(prop.get("description", ""))
    if phrase and not any(_says_kind(n) for n in named) and _says_kind("_".join(phrase)):
        named.append("_".join(phrase))
    labels = list(dict.fromkeys(label for n in named for label in labels_from_name(n)))
    # a description that is a label in a few words ("Date of the gift.", "Date of joining") is
    # printed as one too, last
    described = _described_label(prop.get("description", ""))
    return labels + [described] if described and described not in labels else labels


_ARTICLES = frozenset("the a an".split())


def _described_label(description: str) -> str | None:
    """A description of two to four words that names the value's kind and is no sentence
    (no verb after the first words, no question word): its words without articles."""
    text = description.strip().rstrip(".")
    said = [w for w in words(text) if w not in _ARTICLES]
    if not 2 <= len(said) <= 4 or re.search(r"[,;:()]", text) or said[0] in _PHRASE_ENDS or not _says_kind("_".join(said)):
        return None
    return " ".join(said)


# names of a record that only groups a document's values ("amounts": {"subtotal", "tax", "total"},
# "dates": {"issued", "due"}): each part is labelled by its own name, printed "Total", not "Amounts total"
_GROUPS = frozenset("amounts totals dates figures financials money summary details info information values breakdown".split())


def part_labels(record: str, part: str, prop: dict[str, Any]) -> list[str]:
    """The printed labels of a nested record's part: of both names ("merchant name"), and first
    of its own where the record only groups values (its name ends in a word for a group)."""
    both = field_labels(f"{record}_{part}", prop, key=part)
    # "payment_breakdown": a record named for what it groups, the payment's parts printed
    # "Principal"; a party's ("seller_details") keeps its name: the buyer's name is printed too
    named = spelled(record)
    grouping = set(named) <= _GROUPS or (named[-1] in _GROUPS and not set(named) & _ORGANISATION_WORDS)
    return list(dict.fromkeys(field_labels(part, prop) + both)) if grouping else both


def label_from_name(name: str) -> str:
    """The field name in words: ``agreement_date`` -> ``agreement date``, ``inv_dt`` -> ``invoice date``."""
    return " ".join(spelled(name))


# A last word that names the value's type rather than what it is: documents print
# "Total", "Vendor", "Invoice No." where a schema says total_amount, vendor_name, invoice_number.
_TYPE_WORDS = frozenset("amount value name".split())
# dropped like a type word only where what is left is a printed label: "total_price" is
# printed "Total", "unit_price" is not printed "Unit"
_PRICE_WORDS = frozenset("price cost sum".split())
# "#" and ":" stand for the word where that sign is printed after the words before it
# ("Tracking #", "Room: 512"; see pipeline.extractors.finding.find_labelled_text)
_ABBREVIATED = {"number": ("no", "nr", "#", ":"), "reference": ("ref",)}
# words that say which document's or how a value is meant, not another value: "invoice_total_gross",
# "grossTotal" and "TotalPaid" are printed "Total", "TransactionDateTime" "Transaction date",
# "total_rm", "amount_eur" (its currency) and "tax_cents" (its unit) "Total" and "Tax"
_QUALIFIERS = frozenset("gross final overall paid invoice receipt document time rm cents pence".split()) | {c.casefold() for c in ISO_4217}
# a party's VAT or tax registration number (pipeline.kinds.identifier reads it as one party's)
TAX_ID_LABELS = (
    "vat number", "vat no", "vat nr", "vat id", "vat id no", "vat reg no", "vat registration number",
    "vat registration no", "tax id", "tax number", "tax no", "tax registration number", "tax reg no",
    "gst number", "gst no", "gst reg no", "gst registration number", "gst registration no", "abn",
    "ein", "employer identification number",
)
# Labels documents print for the same value: a field named by one of them is looked for
# under all ("grand_total" is printed "Total" on most receipts, "bill_date" "Invoice date").
SAME_LABELS = (
    ("total", "grand total", "total amount", "amount due", "total due", "balance due", "amount payable", "total payable", "amount paid", "gross amount", "balance to pay"),
    ("date", "invoice date", "issue date", "date of issue", "bill date", "billing date", "receipt date", "transaction date", "purchase date", "document date", "date issued", "issued", "issued on", "payment date"),
    ("invoice number", "invoice no", "invoice nr", "invoice #", "invoice id", "invoice ref", "invoice reference", "bill number", "bill no", "receipt number", "receipt no",
     "document number", "document no", "doc no", "proforma no", "proforma number", "proforma invoice no", "proforma invoice number"),
    ("due date", "date due", "payment due", "due by", "due on", "pay by", "due"),
    # dates of other events an invoice prints beside its own: "Order date" is no "date" of it
    ("order date", "date of order", "ordered on", "po date", "purchase order date"),
    ("delivery date", "date of delivery", "delivered on", "ship date", "shipping date", "shipped on", "dispatch date"),
    ("quantity", "qty", "units"),
    ("arrival", "arrival date", "date of arrival", "check in", "check in date", "checkin"),
    ("departure", "departure date", "date of departure", "check out", "check out date", "checkout"),
    ("unit price", "price", "unit cost", "price per unit"),
    ("subtotal", "sub total", "net", "net amount", "net total", "total excl tax", "total ex tax", "total excluding tax",
     "total before tax", "total excl vat", "total ex vat", "total excluding vat", "total excl gst", "total ex gst", "total excluding gst"),
    ("tax", "tax amount", "vat", "gst", "sales tax", "tax withheld", "income tax"),
    TAX_ID_LABELS,
    ("seller", "vendor", "supplier", "issued by", "sold by"),
    ("sender", "from", "ship from", "sent by"),
    ("ship to", "deliver to", "delivery address", "shipping address", "ship to address"),
    ("quote number", "quote no", "quotation number", "quotation no", "estimate number", "estimate no", "offer number", "offer no"),
    ("bill of lading number", "bill of lading no", "bol number", "bol no", "b l number", "b l no", "bl number", "bl no"),
    ("gross pay", "gross earnings", "total earnings", "gross salary", "gross wages", "total gross pay"),
    ("account holder", "account name", "account holder name", "name of account holder"),
    # an employment contract's pay and a loan's amount, as agreements word them ("a salary of
    # £58,500 per annum", "LOAN AMOUNT ... a term loan of")
    ("annual salary", "salary", "base salary", "annual base salary", "basic salary", "salary per annum"),
    ("principal amount", "principal", "loan amount", "principal sum", "amount of the loan", "loan principal"),
    ("start date", "date of joining", "joining date", "employment start date", "commencement of employment", "first day of employment"),
    ("interest rate", "rate of interest", "interest at the rate of", "interest at a rate of", "annual interest rate", "at the rate of"),
    ("po number", "po no", "po nr", "p o number", "p o no", "purchase order", "purchase order number",
     "purchase order no", "order number", "order no", "order nr", "order #", "po #", "customer po", "your po", "your order"),
)
_PRINTED = frozenset(label for group in SAME_LABELS for label in group)
# Column headers tables print for the same part of a line ("Charge name" over what was sold,
# "Line total" over its amount): a record's part named by one of them is looked for under all.
COLUMN_LABELS = (
    ("description", "item", "items", "item description", "product", "service", "article", "details", "charge", "charge name"),
    ("amount", "line total", "total", "line amount", "net amount"),
)


def implied_checks(fields: list[tuple[str, str, bool, tuple[str, ...]]]) -> list[CrossCheck]:
    """The checks a plain schema's fields imply, as the built-in invoice declares them: its
    subtotal and tax add up to its total, its date is not after its due date. ``fields``:
    (name, kind, many, printed labels) of each; a field stands for the value of the one
    ``SAME_LABELS`` group its labels are in."""
    role: dict[str, str] = {}
    for name, kind, many, labels in fields:
        groups = [group[0] for group in SAME_LABELS if set(labels) & set(group)]
        if kind in ("money", "date") and not many and len(groups) == 1:
            role.setdefault(groups[0], name)
    checks = []
    if {"subtotal", "tax", "total"} <= role.keys():
        checks.append(sums_to((role["subtotal"], role["tax"]), role["total"]))
    if {"date", "due date"} <= role.keys():
        checks.append(in_order(role["date"], role["due date"]))
    return checks


def other_labels(aliases: tuple[str, ...]) -> tuple[str, ...]:
    """The labels printed for values other than the one ``aliases`` name: "due date" for a
    field labelled "date", "sub total" for one labelled "total"."""
    own = set(aliases)
    return tuple(label for group in SAME_LABELS if not own & set(group) for label in group)


def labels_from_name(name: str) -> list[str]:
    """The printed labels a plain schema's field name stands for: the name in words, without
    a last word that only names the value's type, and with "number" as it is abbreviated:
    ``total_amount`` -> ``["total amount", "total"]``, ``invoice_number`` -> ``["invoice
    number", "invoice no", "invoice nr"]``; then the other labels printed for the same value
    (``SAME_LABELS``). A document's bare ``amount`` ("invoice_amount", "amt") is what it charges
    in all, its total."""
    labels = _printed(name)
    own = [w for w in spelled(name) if w not in _QUALIFIERS]
    return _with_same(labels + ["total"] if own == ["amount"] else labels, SAME_LABELS)


def column_labels_from_name(name: str) -> list[str]:
    """The column headers a record part's name stands for: its printed labels and those printed
    for the same value (``SAME_LABELS``: "qty"), then the other headers printed over the same
    part (``COLUMN_LABELS``: a line's bare "amount" is its line total, not the document's)."""
    return _with_same(_with_same(_printed(name), SAME_LABELS), COLUMN_LABELS)


def _printed(name: str) -> list[str]:
    labels = []
    for named in dict.fromkeys((tuple(words(name)), tuple(spelled(name)))):  # "inv no", "invoice no"
        labels.append(" ".join(named))
        rest = " ".join(named[:-1])
        # the words before a type word, unless they only say which document ("invoice_amount")
        if len(named) > 1 and (named[-1] in _TYPE_WORDS or (named[-1] in _PRICE_WORDS and rest in _PRINTED)) and not set(named[:-1]) <= _QUALIFIERS:
            labels.append(rest)
        if len(named) > 1:
            # a sign is printed against the word before it: "Tracking#", "Room:"
            labels += [" ".join(named[:-1]) + short if short in "#:" else " ".join([*named[:-1], short]) for short in _ABBREVIATED.get(named[-1], ())]
        # "original_invoice_number" printed "Original Invoice: INV-20417"; two words at least
        # before it, as one ("invoice") is a document's title as often as a label
        if len(named) > 2 and named[-1] in ("number", "no", "id"):
            labels.append(" ".join(named[:-1]))
        if named[-1] in _MOMENTS:
            labels.append(" ".join(named) + " date")
        plain = " ".join(w for w in _head_phrase(named) if w not in _QUALIFIERS | _TYPE_WORDS)
        if plain in _PRINTED:
            labels.append(plain)
        # "vendor_vat_id", "supplier_tax_number": whose value it is, printed "VAT ID", "Tax number"
        # ("employer_ein": its tax number, printed "EIN")
        owned = " ".join(named[1:])
        if len(named) > 1 and named[0] in _ORGANISATION_WORDS and (owned in TAX_ID_LABELS or len(named) > 2 and owned in _PRINTED):
            labels.append(owned)
        # "consignee_address", "vendor_address", a "deliver_to" record's address: printed in the
        # party's block, under its label
        if len(named) > 1 and named[-1] == "address" and infer_kind("_".join(named[:-1]), {}) == "organization":
            labels.append(" ".join(named[:-1]))
        # "total_fare", "total_charges": the document's total, printed "Total"; not a total of
        # what is counted or weighed ("total_weight", "total_units")
        if len(named) == 2 and named[0] == "total" and named[1] not in _MEASURES | _QUALIFIERS | _TYPE_WORDS and named[1] not in _PRINTED:
            labels.append("total")
        # "tax_total", "total_vat": the total of a value printed under its own label, "Tax"; a
        # "total_price" is no line's "Price"
        if "total" in named and (part := " ".join(w for w in named if w not in _QUALIFIERS | {"total"})) in _PRINTED and part not in _PRICE_WORDS:
            labels.append(part)
    return list(dict.fromkeys(labels))


# what a document counts or weighs rather than charges
_MEASURES = frozenset("weight weights quantity qty units items pieces packages parcels volume hours pages count".split())


# words that open what follows a printed label and only says what it includes: "total_incl_tax",
# "total_to_pay" are printed "Total" ("excl" does not: a total without tax is another value)
_INCLUDES = frozenset("incl inc including to".split())


def _head_phrase(named: tuple[str, ...]) -> tuple[str, ...]:
    """The words before the first that opens such a postmodifier."""
    cut = next((i for i, w in enumerate(named) if w in _INCLUDES and i), len(named))
    return named[:cut]


def _with_same(labels: list[str], groups: tuple[tuple[str, ...], ...]) -> list[str]:
    same = [label for group in groups if set(labels) & set(group) for label in group]
    return labels + [label for label in dict.fromkeys(same) if label not in labels]
