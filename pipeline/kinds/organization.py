"""Organisations: company names by legal form, company number, business nouns, web domain
and place on the page; not inside the other party's block (bill to, customer)."""

from __future__ import annotations

import re

from pipeline.extractors.finding import Context, Proposal, line_beside
from pipeline.extractors.layout import LabelHit, Line, cell_start, norm
from pipeline.kinds.base import Kind, implausible_name
from pipeline.kinds.lines import (
    POSTCODE, Look, address_score, is_company_no, legal_form, line_rel, look, name_score, opens, registered,
)
from pipeline.schemas import FieldSpec
from schemas.types import Organization, clean_text

def party_roles(ctx: Context, spec: FieldSpec, depth: int = 4) -> dict[int, float]:
    """Per line: 1 under the field's own label, 0 inside the other party's block, else 0.5.

    A label starts its line ("Bill to", "Rechnung an: ..."); its block is that line and the
    lines of the next ``depth`` rows in the label's column (so a second column beside it is
    not included). For a field that is the other party (``_is_other_party``), those blocks
    are its own.
    """
    counter = list(look(ctx.cues).counterparty)
    roles: dict[int, float] = {}
    other = 1.0 if _is_other_party(ctx, spec) else 0.0
    rivals = {h.line.index for h in ctx.rival_labels(spec) if h.start - h.line.start <= 2} if spec.name != "\0" else set()
    for line in _return_addresses(ctx):  # the recipient's block is printed under the sender's line
        box = line.bbox
        for row in ctx.layout.next_rows(line, depth):
            for ln in row.lines:
                if box is None or ln.bbox is None or abs(ln.bbox[0] - box[0]) <= 20:
                    roles.setdefault(ln.index, other)
    addressee = look(ctx.cues).addressee
    if addressee is not None:  # "株式会社さくらデザイン 御中": the customer, named with the honorific that addresses it
        for line in ctx.lines:
            if addressee.search(line.text):
                roles.setdefault(line.index, other)
    # another party field's label ("Landlord:" for the tenant) names that party, not this one
    theirs = [a for s in ctx.specs if s.kind == spec.kind and s.name != spec.name for a in s.aliases] if spec.name != "\0" else []
    # (labels, role, whether they are a field's own, which must stand as labels)
    own = [*spec.aliases, *ctx.cues.labels(spec.aliases)]  # and how a region prints them ("発行元" for "seller")
    for aliases, role, fields in ((counter, other, False), (own, 1.0, True), (theirs, 0.0, True)):
        for hit in ctx.find(aliases):
            line = hit.line
            if not _LIST_MARK.fullmatch(ctx.text[line.start : hit.start]) or (fields and not _stands_as_label(ctx, hit)):
                continue
            if re.match(r"[^\S\n]+[^\W\d_][^\W\d_ ]*[^\S\n]*:", ctx.text[hit.end : line.end]):
                continue  # the start of a longer label ("Customer Service:", "Customer Number:")
            box = ctx.layout.span(hit.start, hit.end).bbox
            roles.setdefault(line.index, role)
            # "Rechnung an:" printed as a column of its own beside its block: the block is the
            # column beside it, from the label's row down
            nxt = line_beside(ctx, line) if re.fullmatch(r"\s*:\s*", ctx.text[hit.end : line.end]) else None
            if nxt is not None and not nxt.text.rstrip().endswith(":"):
                roles.setdefault(nxt.index, role)
                box = nxt.bbox
            elif fields and not _heads_block(ctx.text[hit.end : line.end]):
                continue  # "CARRIER: Redline Express": its value on its line, no block under it
            for row in ctx.layout.next_rows(line, depth):
                column = [ln for ln in row.lines if box is None or ln.bbox is None or abs(ln.bbox[0] - box[0]) <= max(box[2] - box[0], 20)]
                if fields and any(ln.index in rivals for ln in column):
                    break  # another party's label ("CARRIER:" under the shipper's block) ends this one
                for ln in column:
                    roles.setdefault(ln.index, role)
    return roles


_SEPARATORS = re.compile(r"\s[•·|–—]\s")


def _return_addresses(ctx: Context) -> list[Line]:
    """The sender's address on one line above the recipient's, as letters for window envelopes
    print it ("Medienpilot GmbH & Co. KG • Am Saueracker 23 • 91244 Reichenschwand"): in the
    top half of the first page, three parts or more between bullets or dashes, a company's name
    first (with a legal form, or a street after it) and a postcode in one of the others."""
    if "return_addresses" not in ctx.memo:
        lk = look(ctx.cues)
        found = []
        for line in ctx.lines:
            if line.page != 1 or ctx.layout.relative_y(line) >= 0.5:
                continue
            parts = _SEPARATORS.split(line.text.strip())
            if len(parts) < 3 or not any(POSTCODE.search(part) for part in parts[1:]):
                continue
            # a craftsman's or freelancer's name carries no legal form: a street after it says the same
            if lk.legal.search(parts[0]) or (not address_score(lk, parts[0]) and address_score(lk, parts[1]) >= 0.4):
                found.append(line)
        ctx.memo["return_addresses"] = found
    return ctx.memo["return_addresses"]


def other_party_lines(ctx: Context, depth: int) -> set[int]:
    """The lines (indexes) of the other party's blocks (bill to, buyer, customer), each to
    ``depth`` rows under its label and, where the page has word boxes, only as far as the
    block runs without a blank line: where the customer's own details are printed."""
    blank = FieldSpec(name="\0", description="", kind="text")  # no field name holds a NUL
    found = [ctx.lines[i] for i, role in party_roles(ctx, blank, depth).items() if role == 0.0]
    kept: set[int] = set()
    for line in sorted(found, key=lambda ln: (ln.page, ln.bbox[1] if ln.bbox else 0, ln.index)):
        if line.bbox is None:
            kept.add(line.index)
            continue
        above = [
            a for a in found
            if a.page == line.page and a.bbox and a is not line and abs(a.bbox[0] - line.bbox[0]) <= 20 and a.bbox[3] <= line.bbox[1] + 1
        ]
        nearest = max(above, key=lambda a: a.bbox[3], default=None)
        if nearest is None or (nearest.index in kept and line.bbox[1] - nearest.bbox[3] <= 3 * (line.bbox[3] - line.bbox[1])):
            kept.add(line.index)
    return kept


def _is_other_party(ctx: Context, spec: FieldSpec) -> bool:
    """Whether the field names the document's other party (``customer_name``, a ``bill_to``):
    one of its labels is one of the other party's ("customer", "bill to"). For it, the issuer's
    cues (heading the page, owning the document's web domain) say nothing."""
    return bool({norm(a) for a in spec.aliases} & {norm(a) for a in look(ctx.cues).counterparty})


def _stands_as_label(ctx: Context, hit: LabelHit) -> bool:
    """The field's own alias is a label only when a separator or the line's end follows it
    ("Store: ...", "SHIPPER (Name and Address)", "Borrower(s):"); "COMPANY REG NO" labels a number
    and "SHOP WITH US" is a slogan."""
    return bool(re.match(_LABEL_END, ctx.text[hit.end : hit.line.end], re.IGNORECASE))


# what may open a line before a label: a space or two, an item's number or bullet ("2. Tenant(s):")
_LIST_MARK = re.compile(r"\s{0,2}(?:(?:\(?\d{1,2}[.)]|[a-z][.)]|[-•*])\s*)?")
# a label opening a line of a party's block, the name after it ("Carrier:   DPD UK")
_LINE_LABEL = re.compile(r"\s*(?:\(?\d{1,2}[.)]\s*)?[^\W\d_][^:\d]{0,30}:\s*")


def _heads_block(after: str) -> bool:
    """Whether a label followed on its line by ``after`` heads a block: nothing but its end
    follows it, or only another column's label ("FROM:      SHIP DATE: 2026-09-18"), not its
    value ("Tenant(s):      Jordan Ellis")."""
    first, *others = re.split(r"\s{3,}|\t", after, maxsplit=1)
    return bool(re.fullmatch(_LABEL_END, first, re.IGNORECASE)) and (not others or bool(_LINE_LABEL.match(others[0])))


# what may follow a party's label on its line: its "name", an aside in brackets ("CONSIGNEE (Name
# and Address)"), then a colon or nothing
_LABEL_END = r"\s*(?:\([^)]*\)\s*)?(?:name\s*)?(?::|$)"


# a web domain after "@", a scheme or "www.", or bare with a generic top-level domain
# ("MYNEWS.COM", "shop.com.my") after other words
_DOMAIN = re.compile(
    r"(?i)(?:@|https?://|www\.)((?:[a-z0-9-]+\.)+[a-z]{2,})|(?<=[^\S\n])((?:[a-z0-9-]+\.)+(?:com|net|org)(?:\.[a-z]{2})?)\b"
)
_SECOND_LEVEL = frozenset("co com net org gov ac edu".split())


def _domains(ctx: Context) -> set[str]:
    """The names of the web domains in e-mail addresses and URLs ("info@acme.co.uk" -> "acme")."""
    if "domains" not in ctx.memo:
        names = set()
        for m in _DOMAIN.finditer(ctx.text):
            parts = (m.group(1) or m.group(2)).casefold().split(".")[:-1]
            while len(parts) > 1 and parts[-1] in _SECOND_LEVEL:
                parts.pop()
            if parts and len(parts[-1]) >= 4:
                names.add(parts[-1])
        ctx.memo["domains"] = names
    return ctx.memo["domains"]


def _domain_match(ctx: Context, name: str) -> float:
    """1 when the name is the document's own web domain (a company's e-mail and site carry
    its name: "Acme Software GmbH" and "billing@acme.de"), else 0."""
    tokens = [t for t in norm(name).split() if len(t) >= 4]
    tokens.append("".join(norm(name).split()))
    return float(any(t.startswith(d) or d.startswith(t) for t in tokens for d in _domains(ctx) if len(t) >= 4))


def _name_span(line: Line, form: tuple[int, int]) -> tuple[int, int]:
    """Offsets of the company name ending with the legal form: the run of capitalised words
    before it (an uppercase line is all capitalised), without a leading label, © or "#12" number,
    in the legal form's column ("10 Mar      FP ACME LOGISTICS LTD" is a date's column, then the name's)."""
    column = cell_start(line, line.start + form[0]) - line.start
    words = [w for w in re.finditer(r"\S+", line.text[: form[0]]) if w.start() >= column]
    start = line.start + form[0]
    taken = []
    for w in reversed(words):
        token = w.group()
        if token.endswith(":") or token in ("©", "(c)", "|", "-", "–", "·") or re.fullmatch(r"\d{4}|#\d*", token):
            break
        if token[0].isalpha() and token[0].islower() and token not in NAME_PARTICLES:
            break
        taken.append(w)
    while taken and taken[-1].group() in NAME_PARTICLES:
        taken.pop()  # a particle opens no name ("a la Empresa SA" names "Empresa SA")
    if taken:
        start = line.start + taken[-1].start()
    return start, line.start + form[1]


# lowercase words inside a capitalised name: "and", "of" and the particles of Romance, Dutch and
# German names ("Soluciones Digitales del Bajío, S.A. de C.V.", "Banco do Brasil S.A.")
NAME_PARTICLES = frozenset("and und of de del della di da do dos das du des van von der den y e".split())


def _only_business(lk: Look, text: str) -> bool:
    """The text's words are all business nouns (or "and")."""
    return not set(norm(text).split()) - lk.business - {"and"}


def _organisation_spans(ctx: Context, lk: Look, roles: dict[int, float]) -> list[tuple[list[Line], int, int, float]]:
    """(lines, start, end, legal) for every name-like piece: legal forms anywhere; business
    nouns, the document's web-domain name, the name opening the sender's line over a window
    envelope's address, lines in a party's block (``roles``: under the
    field's label, or the other party's, which names that party) or plain names near the top;
    names broken over lines joined."""
    found = []
    senders = {ln.index for ln in _return_addresses(ctx)}
    for line in ctx.lines:
        if line.index in senders:  # the sender's line names the sender first
            name = _SEPARATORS.split(line.text.strip())[0]
            start = line.start + line.text.index(name)
            found.append(([line], start, start + len(name), 1.0))
            continue
        form = legal_form(lk, line)
        if form:
            start, end = _name_span(line, form)
            # nothing but business nouns or a branch in brackets before the legal form
            # ("RESTAURANT SDN BHD", "(SEMENYIH) SDN BHD") names no company on its own: the
            # name began on the line above
            generic = _only_business(lk, re.sub(r"\([^)]*\)", " ", ctx.text[start : line.start + form[0]]))
            lines, start, end = _join_broken(ctx, lk, [line], start, end, generic)
            # a "legal form" after a number alone is a unit ("2.35 KG"): the line is read as any other
            if len(lines) > 1 or re.search(r"[^\W\d_]{2}", ctx.text[start : line.start + form[0]]):
                if start < line.start + form[0] or len(lines) > 1:  # a legal form alone is no name
                    found.append((lines, start, end, 1.0))
                continue
        column = re.split(r"\s{3,}|\t", line.text.strip())[0]
        if is_company_no(lk, line.text) or _DOMAIN.search(line.text) or re.search(r":\s*[+(]?\d", column):
            continue  # a company number, a web address or a labelled number ("CARELINE : 1800 88") is no name
        text = line.text
        labelled = line.index in roles and (label := _LINE_LABEL.match(text))
        if labelled:
            text = text[label.end() :]  # the name after its label
        text = re.split(r"\s{3,}|\t", text.strip())[0]  # a name ends at a column's gap
        # a trailing (reg. no.) or store number ("WALGREENS #07741")
        stripped = re.sub(r"\s*(?:\([^)]*\d[^)]*\)|#\s?\d+)\s*$", "", text.strip())
        has_number = registered(ctx, lk, line)
        # a company number vouches for a name whose words look like furniture ("CASH & CARRY");
        # a label ("Borrower(s):") names nobody
        if not stripped or stripped.endswith(":") or name_score(lk, stripped) < (0.25 if has_number else 0.5):
            continue
        if _only_business(lk, stripped) and not set(norm(stripped).split()[:1]) & lk.name_final:
            continue  # what the shop is ("BISTRO & CAFE"); "TRADING" ends the name above it
        # a business noun on an address line names a place ("Raffles City Shopping Centre #B1-21")
        business = bool(lk.business & set(norm(stripped).split())) and address_score(lk, stripped) < 0.4
        own_domain = "".join(norm(stripped).split()) in _domains(ctx)
        if (line.index < 6 and line.page == 1) or business or own_domain or has_number or line.index in roles:
            start = line.start + line.text.index(stripped)
            lines, start, end = _join_broken(ctx, lk, [line], start, start + len(stripped), False)
            # a name printed after a party's own label is as much a name as one with a business noun
            found.append((lines, start, end, 1.0 if has_number else 0.6 if business or (labelled and roles[line.index] == 1.0) else 0.0))
    return found


def _join_broken(ctx: Context, lk: Look, lines: list[Line], start: int, end: int, bare: bool):
    """Extend a name over the line above when it is cut (``bare``: nothing but business nouns
    before the legal form; an unclosed bracket; starting with "&" or a name-final noun such as "TRADING"; the
    line above ending in "&", "," or "-"), and over the line below when it ends in "&"."""
    for _ in range(2):
        first = lines[0]
        if first.index == 0 or ctx.lines[first.index - 1].page != first.page:
            break
        prev = ctx.lines[first.index - 1]
        piece = ctx.text[start:end]
        cut = (
            bare
            or piece.count("(") != piece.count(")")
            or piece.lstrip().startswith(("&", ")"))
            or bool(set(norm(piece).split()[:1]) & lk.name_final)
            or prev.text.rstrip().endswith(("&", ",", "-", "("))
        )
        if not cut or name_score(lk, prev.text) < 0.6 or legal_form(lk, prev):
            break
        lines, bare = [prev] + lines, False
        start = prev.start + len(prev.text) - len(prev.text.lstrip())
    if lines[-1].text.rstrip().endswith("&") and lines[-1].index + 1 < len(ctx.lines):
        nxt = ctx.lines[lines[-1].index + 1]
        if name_score(lk, nxt.text) >= 0.6:
            lines, end = lines + [nxt], nxt.start + len(nxt.text.rstrip())
    return lines, start, end


def _spans_over(lines: list[Line], start: int, end: int) -> list[tuple[int, int]]:
    """One span per line of a value that runs over several lines."""
    out = []
    for ln in lines:
        s, e = max(start, ln.start), min(end, ln.start + len(ln.text.rstrip()))
        s += len(ln.text[s - ln.start :]) - len(ln.text[s - ln.start :].lstrip())
        if s < e:
            out.append((s, e))
    return out


def _first_address_y(ctx: Context) -> float:
    """Relative height of the first line (in text order) that opens an address block; 1 if none."""
    if "first_address_y" not in ctx.memo:
        lk = look(ctx.cues)
        scores = [address_score(lk, ln.text) for ln in ctx.lines]
        first = next((ln for ln in ctx.lines if opens(ctx, lk, scores, ln.index)), None)
        ctx.memo["first_address_y"] = line_rel(ctx, first) if first else 1.0
    return ctx.memo["first_address_y"]


def find_organisations(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """Company names: a legal form (SDN BHD, GmbH, Ltd, Inc, ...) or a company number beside
    the name, business nouns, a name-like line near the top; not inside the other party's
    block (bill to, customer)."""
    roles = party_roles(ctx, spec)
    lk = look(ctx.cues)
    other = _is_other_party(ctx, spec)
    # the other party's block names that party: of one value, evidence against it (``rank``);
    # of a list (parties), no evidence either way
    blocks = {i: r for i, r in roles.items() if r == 1.0 or not spec.many}
    # where the field's own label is printed ("CARRIER:", "Landlord:"), it says where the name
    # is; where on the page says nothing then (the issuer heads the page, a carrier need not)
    placed = other or 1.0 in roles.values()
    out = []
    for lines, start, end, legal in _organisation_spans(ctx, lk, blocks):
        spans = _spans_over(lines, start, end)
        if not spans:
            continue
        raw = " ".join(ctx.text[s:e] for s, e in spans)
        domain = _domain_match(ctx, raw)
        y = line_rel(ctx, lines[0])
        position = 1.0 - y if y < 0.5 else (0.6 if y > 0.85 else 0.3)
        if _first_address_y(ctx) < y < 0.5:
            position /= 2  # the seller heads the page above its address; a name under it is an operator
        out.append(
            Proposal(
                value=clean_text(raw),
                spans=spans,
                signals={
                    "legal": legal,
                    "name": name_score(lk, raw),
                    "position": 0.5 if placed else position,
                    # the document's web domain is its issuer's: never the other party; where the
                    # field's own label is printed, a name away from it is less likely its
                    "role": 0.0 if other and domain else roles.get(lines[0].index, 0.25 if 1.0 in roles.values() and not other else 0.5),
                    "domain": 0.0 if other else domain,
                },
                raw=raw,
            )
        )
    # a brand printed over or under a legal-form name is that company's trading name: the
    # company is the one its web domain belongs to ("CCM19 – Cookie Consent Management" over
    # "Papoo Software & Media GmbH")
    rows = {ctx.line_at(p.spans[0][0]).index: p for p in out}
    for i, p in rows.items():
        if p.signals["legal"] == 1.0:
            near = [rows[j].signals["domain"] for j in (i - 1, i + 1) if j in rows and rows[j].signals["legal"] < 1.0]
            p.signals["domain"] = max([p.signals["domain"], *near])
    # a name printed anywhere as the other party is the other party wherever else it appears
    for p in out:
        same = [q.signals["role"] for q in out if q.value.casefold() == p.value.casefold()]
        p.signals["role"] = 0.0 if 0.0 in same else max(same)
    # a line of labels only ("From (Sender)") heads a block and names nobody
    labels = {w for s in ctx.specs for a in s.aliases for w in norm(a).split()} | set(norm(" ".join(spec.aliases)).split())
    out = [p for p in out if not set(norm(p.value).split()) <= labels]
    if other and not spec.many and 1.0 in roles.values():
        return _in_own_block(ctx, lk, out)
    return out


def _in_own_block(ctx: Context, lk: Look, found: list[Proposal]) -> list[Proposal]:
    """Of a field that is the other party (the customer), where the document prints that
    party's block (bill to, buyer): only the names in it, never the issuer's; not the block's
    label ("BILLED TO"), a country or an address line; the first name under the label first
    (a contact's name under the company's, or the company under a contact's, is read by the
    legal form)."""
    counter = {norm(label) for label in lk.counterparty}
    kept = []
    for p in found:
        text = norm(p.value)
        if p.signals["role"] != 1.0 or p.value.rstrip().endswith(":") or text in counter:
            continue
        if any(text.startswith(label + " ") for label in counter) and ":" in p.value:
            continue  # a line of labels ("BILLED TO: PRODUCT(S) PROVIDED BY:")
        if address_score(lk, p.value) >= 0.4 or lk.contact.search(p.value):
            continue
        kept.append(p)
    kept.sort(key=lambda p: ctx.line_at(p.spans[0][0]).row)
    for k, p in enumerate(kept):
        p.signals["position"] = max(1.0 - 0.2 * k, 0.2)
    return kept



class OrganizationKind(Kind):
    name = "organization"
    hint = (
        'a full name as printed, not a defined term such as "the Company"; a company\'s legal name '
        "with its legal form (Ltd, GmbH, Inc.) rather than a brand, without its registration number"
    )
    json_type = Organization

    def find(self, ctx, spec):
        return find_organisations(ctx, spec)

    def implausible(self, value, printed):
        return implausible_name(value)

