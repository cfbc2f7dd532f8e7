"""Identifiers (invoice numbers, references): the first word after a label. A party's VAT or
tax registration number is read as that party's: the number after its label, wherever the
label's words leave it, never one printed as the other party's."""

import re

from pipeline.extractors.finding import Context, Proposal, find_labelled_text
from pipeline.infer import SAME_LABELS, TAX_ID_LABELS, words
from pipeline.kinds.base import Kind
from pipeline.kinds.lines import look
from pipeline.kinds.organization import other_party_lines
from pipeline.schemas import FieldSpec
from schemas.types import ISO_4217, Identifier, parse_date

TAX_LABELS = next(group for group in SAME_LABELS if group[0] == "tax")  # "VAT", "GST" before a number
BLOCK_DEPTH = 8  # rows of the other party's block: a VAT number comes after its name and address
MAX_GAP = 4  # words between a label and its number ("VAT ID Consol. Busn no: 558327284")
MIN_DIGITS = 6  # a registration number, not a rate, a count or a year
# words before a label that make the number the reader's own ("Your VAT no.", "Customer VAT ID");
# cue packs add their languages' words under "yours" ("Ihre USt-IdNr.")
YOURS = frozenset("your customer customers client buyer recipient purchaser".split())
# cents after a comma or a point, thousands grouped before them: "626,50", "5.626,50", "1,234.00"
_MONEY_SHAPED = re.compile(r"\d{1,3}(?:[.,' ]\d{3})*[.,]\d{2}")
_AMOUNT_OR_RATE = re.compile(r"%|[$€£¥]|^\(?-?\d+[.,]\d{2}\)?$")


def registration_number(text: str) -> tuple[int, int] | None:
    """Where the registration number in ``text`` (what follows its label) is: the first word
    with a digit within ``MAX_GAP`` words, with a country code printed apart before it and the
    short groups of digits printed after it ("IE 98 209 58W", "GB 552 1843 90."), or the long
    group after a short one ("FR 45 812345678"); none where the first such word
    is an amount or a rate ("VAT (19%) 0.00" is a tax line) or too few digits are printed."""
    tokens = list(re.finditer(r"[^\s|]+", text))
    for i, token in enumerate(tokens[: MAX_GAP + 1]):
        if not re.search(r"\d", token.group()):
            continue
        if _AMOUNT_OR_RATE.search(token.group()):
            return None
        first = i - 1 if i and re.fullmatch(r"[A-Z]{2}", tokens[i - 1].group()) else i
        last = i
        while last + 1 < len(tokens) and not re.search(r"[.,;]$", tokens[last].group()):
            nxt = tokens[last + 1].group()
            # short groups ("58W", "90." ending the sentence), or the long number a short check
            # group opens ("FR 45 812345678": a French VAT number's key, then the SIREN)
            short = re.fullmatch(r"[A-Za-z]{0,2}\d{1,4}[A-Za-z]?[.,;]?", nxt)
            opened = len(re.findall(r"\d", text[tokens[first].start() : tokens[last].end()])) < MIN_DIGITS
            if not (short or (opened and re.fullmatch(r"\d+[A-Za-z]{0,2}[.,;]?", nxt))):
                break
            last += 1
        start, end = tokens[first].start(), tokens[last].end()
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not text[end - 1].isalnum():
            end -= 1
        return (start, end) if len(re.findall(r"\d", text[start:end])) >= MIN_DIGITS else None
    return None


MIN_GROUPS = 3  # an IBAN or a card number prints four characters a group, at least three groups
_GROUP = re.compile(r"[A-Z0-9]+")


# the groups a number is printed in after its first: one space apart, two to five capitals or
# digits with a digit in each; a word, a date or an amount after it is no group of it
_GROUPS = re.compile(r"(?: (?=[A-Z]{0,4}\d)[A-Z\d]{2,5}(?![\w/.,:-]))*")


# a short number in two or three groups, the first of capitals and digits, alone in its cell (a
# plate "LK19 XMP"); a currency or a word of a status after it is no group of it
_WHOLE_CELL = re.compile(r"(?=[A-Z-]*\d)(?=[\d-]*[A-Z])[A-Z0-9][A-Z0-9-]{1,7}(?: [A-Z0-9][A-Z0-9-]{0,4}){1,2}")
_NO_GROUP = ISO_4217 | {"PAID", "DUE", "ONLY", "COPY", "NET", "GROSS", "TOTAL", "VOID", "NEW"}

# a document series' code in capitals, then the number in the series with its year or series
# after a slash ("FT 2025A/143", "FR A/12"): one number, as Portuguese invoices print it
_SERIES = re.compile(r"[A-Z]{2,4}")
_SERIAL = re.compile(r"[A-Z0-9]*\d[A-Z0-9]*/\d+|[A-Z0-9]+/[A-Z0-9]*\d[A-Z0-9]*")


def printed_number(text: str) -> tuple[int, int] | None:
    """Where the number in ``text`` (what follows its label) is: its first word, the run of
    groups an IBAN or a card number is printed in ("GB29 NGTB 2045 7743 9182 60", "4111 1111 1111
    1111": equal groups of capitals and digits, a shorter one last), or the first word with the
    groups of digits after it (``_GROUPS``); none where the first word
    holds no digit ("Invoice to", "Order Date")."""
    tokens = list(re.finditer(r"\S+", text))
    if len(tokens) > 1 and _SERIES.fullmatch(tokens[0].group()) and _SERIAL.fullmatch(tokens[1].group()):
        return tokens[0].start(), tokens[1].end()  # a series' code before its number ("FT 2025A/143")
    if not tokens or not re.search(r"\d", tokens[0].group()):
        return None
    if _WHOLE_CELL.fullmatch(text.strip()) and not {t.group() for t in tokens[1:]} & _NO_GROUP:
        return tokens[0].start(), tokens[-1].end()  # a cell holding only the number's groups: a plate "LK19 XMP"
    width, last = len(tokens[0].group()), 0
    while last + 1 < len(tokens) and _GROUP.fullmatch(tokens[last + 1].group()) and len(tokens[last + 1].group()) == width:
        last += 1
    if last + 1 >= MIN_GROUPS and _GROUP.fullmatch(tokens[0].group()) and width <= 4:
        following = tokens[last + 1].group() if last + 1 < len(tokens) else ""
        if _GROUP.fullmatch(following) and len(following) < width:
            last += 1  # the shorter group that ends it ("60")
        return tokens[0].start(), tokens[last].end()
    groups = _GROUPS.match(text, tokens[0].end())  # "15501988 4627 33", "1Z 8V4 E72 04 9981 2036"
    return tokens[0].start(), max(tokens[0].end(), groups.end())


def _of_a_party(spec: FieldSpec) -> bool:
    """A field for a party's VAT or tax number: some of its labels are those numbers' labels."""
    return bool(set(spec.aliases) & set(TAX_ID_LABELS))


def _the_other_partys(ctx: Context, spec: FieldSpec) -> bool:
    """Whether the field is the customer's number ("customer_vat_id"): its name opens with a word
    of the other party's labels."""
    named = words(spec.aliases[0]) if spec.aliases else []
    counter = {w for label in look(ctx.cues).counterparty for w in words(label) if len(w) > 2}
    return bool(named[:1] and named[0] in counter | YOURS)


def find_registration_numbers(ctx: Context, spec: FieldSpec, parse) -> list[Proposal]:
    """A party's VAT or tax number: after one of the field's labels, or after a bare "VAT" or
    "GST" directly followed by a number ("VAT# IE 98 209 58W"), weaker. A number printed in the
    other party's block (bill to, buyer) or under a label of the reader's own ("Your VAT no.")
    is that party's, and so is the same number wherever else it is printed (signal ``role``:
    0 for the other party's, 1 for the field's party, 0.5 where nothing says)."""
    own = find_labelled_text(ctx, spec, parse, pick=registration_number)
    bare_hits = [h for h in ctx.other_value_labels(spec) if h.alias in TAX_LABELS]
    bare = find_labelled_text(ctx, spec, parse, pick=registration_number, hits=bare_hits)
    for p in bare:
        p.signals["match"] *= 0.5
    block = other_party_lines(ctx, BLOCK_DEPTH)
    yours = ctx.cues.words("yours", YOURS)
    theirs: set[str] = set()
    for p in own + bare:
        line = ctx.line_at(p.spans[0][0])
        before = set(words(ctx.text[line.start : p.spans[0][0]]))
        if line.index in block or before & yours:
            theirs.add(p.value.casefold())
    other = _the_other_partys(ctx, spec)
    for p in own + bare:
        customer = p.value.casefold() in theirs
        p.signals["role"] = (1.0 if customer else 0.0) if other else (0.0 if customer else 0.5)
    return own + bare


INVOICE_NUMBER_LABELS = next(group for group in SAME_LABELS if group[0] == "invoice number")
# a bill's title with its number after it ("Invoice 2025-017", "FACTURA ELECTRÓNICA DE VENTA No.
# FE-4521", "TAX INVOICE #1047"): up to three words after the title, then a number's sign
_TITLED = re.compile(
    r"(?im)^[ \t]*(?:tax[ \t]+|commercial[ \t]+|proforma[ \t]+)?(?:invoice|bill|factura|fattura|fatura|faktura|facture|factuur|rechnung)"
    r"(?:[ \t]+[^\W\d_]+){0,3}?[ \t]*(?:no\.?|nº|n°|nr\.?|#|number|:)?[ \t]*(?P<number>[^\s:]*\d[^\s]*)"
)


def find_titled_number(ctx: Context, parse) -> list[Proposal]:
    """An invoice number printed after the bill's title where no label names it: weaker than a
    labelled one; not a date or an amount printed there."""
    out = []
    for m in _TITLED.finditer(ctx.text):
        number = m.group("number").rstrip(".,;")
        if _MONEY_SHAPED.fullmatch(number) or re.fullmatch(r"[\d./-]+", number) and parse_date(number) is not None and not re.fullmatch(r"\d+(?:-\d+)?", number):
            continue
        value = parse(number)
        if value:
            start = m.start("number")
            out.append(Proposal(value=value, spans=[(start, start + len(number))], signals={"match": 0.5, "typed": 1.0, "layout": 1.0}))
    return out


class IdentifierKind(Kind):
    name = "identifier"
    hint = "the code or number exactly as printed, without its label"
    json_type = Identifier

    def find(self, ctx, spec):
        if _of_a_party(spec):
            return find_registration_numbers(ctx, spec, self.parse)
        found = find_labelled_text(ctx, spec, self.parse, pick=printed_number)
        if not found and set(spec.aliases) & set(INVOICE_NUMBER_LABELS):
            found = find_titled_number(ctx, self.parse)
        return found

    def implausible(self, value, printed):
        """Identifiers carry a digit: "an" or "at" after "Invoice" is a word, not a number; an
        amount with cents is no identifier."""
        text = str(value).strip()
        if not re.search(r"\d", text):
            return "identifier without a digit"
        if len(re.sub(r"\W", "", text)) < 2:
            return "identifier too short"
        if _MONEY_SHAPED.fullmatch(text):
            return "an amount, not an identifier"  # a label read fuzzily in "Total factura 5.626,50 €"
        return None
