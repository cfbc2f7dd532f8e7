"""The parties: named in the preamble ("by and between Acme, Inc., a Delaware corporation (the
"Company"), and ...") and in the signature blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field as dc_field, replace

from rapidfuzz import fuzz

from pipeline.cues.contracts_us.law import place_name
from pipeline.cues.contracts_us.text import OPENING, position_weight
from pipeline.extractors.finding import Context, Proposal
from pipeline.infer import spelled, words
from pipeline.schemas import FieldSpec

# Legal-form words that end an organisation's name (and may follow a comma: "Acme, Inc.").
_LEGAL = (
    r"(?i:Inc|Incorporated|Corp|Corporation|Co|Company|LLC|L\s?\.\s?L\s?\.\s?C|LLP|L\s?\.\s?L\s?\.\s?P|"
    r"LP|L\s?\.\s?P|Ltd|Limited|PLC|N\s?\.\s?V|B\s?\.\s?V|AG|SA|S\s?\.\s?A|GmbH|ASA|AB|"
    r"Pty(?:\.?\s+Ltd)?|S\.\s?p\.\s?A|SE|Bancorp|Bancshares|Holdings|Trust|Partners|"
    # a professional corporation or association and a national bank ("Bright Path Dental, P.C.",
    # "First Prairie Bank, N.A."), with their dots only: "PA" alone is Pennsylvania
    r"P\.\s?C|P\.\s?A|N\.\s?A|PLLC|Pvt(?:\.?\s+Ltd)?|Pte(?:\.?\s+Ltd)?|"
    r"Jr|Sr|II|III|IV|M\s?\.\s?D|Ph\s?\.\s?D|Esq)\b\.?(?:\s\.)?"
)
_ORG_SUFFIX = re.compile(
    r"(?i)\b(?:Inc|Incorporated|Corp|Corporation|Co|Company|LLC|L\.\s?L\.\s?C|LLP|LP|L\.\s?P|Ltd|Limited|"
    r"PLC|N\.\s?V|B\.\s?V|AG|S\.?A|GmbH|ASA|Pty|P\.\s?C|P\.\s?A|N\.\s?A|PLLC|Pvt|Pte|Bancorp|Bancshares|Bank|Holdings|Trust|Partners|Group|"
    r"Stores|Systems|Enterprises|Solutions|Technologies|Pharmaceuticals|Associates)\b\.?\s*$"
)
# A word of a name: capitalised ("Acme", "P.F.", "99¢", "Sri/Surgical") or camel-case ("eBay"); a hyphen
# may follow an OCR gap ("Build-A -Bear").
_TOKEN = (
    r"(?:(?:[A-Z0-9¢À-ÖØ-Þ]|[a-z]{1,2}(?=[A-Z]))(?:[\w'’&!¢/]|-(?:\n)?| -(?=[A-Za-z])|\.(?=\w))*"
    r"(?:\s?\.(?=[\s,A-Za-z]))?)"
)
_CONNECTOR = (
    r"(?:of|the|de|du|la|von|van|der|for|y|"
    r"and(?=\s+(?:[A-Z][\w\-]*\s+)?(?:Co\b|Company|Sons|Associates|Partners|Holdings|Trust|Bank|Group)))"
)
# Words join on a line, across "&" (on either side of a line break), or across a line break (names
# wrap; addresses start with digits, so a number joins only on the line, short and before a word:
# "Back 2 Basics Ltd.", "Pier 9 Imports").
_JOIN = (
    rf"(?:[ \t]*\n[ \t]*(?:{_CONNECTOR}[ \t]+)*(?![0-9])|[ \t]+(?:{_CONNECTOR}[ \t]+)*(?![0-9](?!\d?[ \t]+[A-Z][a-z]))"
    rf"|[ \t]*\n?[ \t]*&[ \t\n]*)"
)
_NAME = rf"{_TOKEN}(?:{_JOIN}{_TOKEN})*(?:[ \t]*,?\s*{_LEGAL})*"

# What follows a party's name in a preamble: its defined term, its description, its address.
_PAREN = r"""[ \t]*,?\s*\((?P<paren>[^()]{1,160})\)"""
_DESCRIBED = (  # "a Corporation organized under ..." also capitalised
    r"(?:[ \t]*,\s*|\s+)(?P<described>a\s+(?:[\w.\-]+\s+){0,6}?(?i:corporation\b)|(?:a|an)\s+(?:[\w.\-]+\s+){0,6}?"
    r"(?:corporation|company|partnership|limited|llc|individual|entity|bank|association|trust|"
    r"organization|organisation|resident|business|national|state|public|private|joint|citizen|person|"
    r"institution|institute|university|foundation|agency|society)"
    r"|(?i:having\s|with\s+(?:its|a|offices|principal)|located\s|whose\s|residing\s)|"
    # as English, Australian and Indian preambles describe a party: "Acme Limited incorporated and
    # registered in England and Wales", "Acme Pty Ltd ACN 612 345 678", "Jane Roe of 17 Rowan Close"
    r"(?i:incorporated\s|registered\s|(?:ACN|ABN|ARBN|CIN|company\s+(?:no|number|registration))\b)|of\s+(?=\d)|"
    r"(?:dba|d/b/a|f/k/a|c/o|formerly|on\s+behalf)\b|"
    # a name whose line (its address) ends where the next says what it is called: "Acme S.A., 18 rue
    # de Rivoli, Paris\n- hereinafter "Acme" -"
    r"(?=[^()\n]{0,150}\n[ \t\-–(]*(?i:hereinafter|hereafter)\b))"
)
# A party stated with its group before its defined term: "Acme, Inc. and its affiliates (the
# "Company")", "Acme, Inc., and its parent, divisions and subsidiaries (Acme)", "Acme, Inc, its
# subsidiary or its affiliate (together, the "Company")".
_GROUP = r"(?:[ \t]*,?\s*(?:(?:and|together\s+with|including)\s+)?(?:its|their)\s+[^().;:\"“”]{0,80}?(?=\s*\())?"
# "Acme Inc. and/or assigns, a Nevada corporation"
_ASSIGNS = r"(?:[ \t]*,?\s*and/or\s+(?:its\s+)?(?:permitted\s+)?(?:successors\s+and\s+)?assigns)?"
_MENTION = re.compile(rf"(?P<name>{_NAME}){_ASSIGNS}(?:{_GROUP}{_PAREN}|{_DESCRIBED})")
# a described party's defined term after its description and address, before the next name
# (a place's "and", "registered in England and Wales", is no next party)
_NEXT_PARTY = r"""(?!\band\s+(?!Wales\b)[A-Z"“])"""
_TERM_AFTER = re.compile(rf"""(?:{_NEXT_PARTY}[^();])*\((?P<paren>[^()]{{1,160}})\)""")
# the term given without brackets, after the description: "Acme Private Limited, a company incorporated
# under ..., hereinafter referred to as the "Lender" (which expression shall ...)"
_CALLED_AFTER = re.compile(
    rf"""(?:{_NEXT_PARTY}[^();"“”])*?\b(?:hereinafter|hereafter)[\s,]+(?:(?:referred\s+to\s+as|called|known\s+as)\s+)?"""
    r"""(?:the\s+)?["“](?P<term>[^"“”]{1,40})["”]"""
)
_LISTED = re.compile(
    # a letter's addressee after "To," on a line of its own, as Indian and British letters print it
    rf"\b(?:between|among|by|with|BETWEEN|AMONG|(?i:between\s*:|among\s*:|parties\s*:|to\s*:)|(?<![^\n])(?i:to)[ \t]*,|employment\s+with|employed\s+by|"
    rf"associate\s+of)[ \t]*\n?[ \t]*(?P<name>{_NAME})(?=[ \t]*(?:,|\.|;|\n|and\b|under\b|\()|(?<=\.)\s)"
)
# "between A and B", also past A's defined term: "between A ("Seller") and B"
_AND_NEXT = re.compile(
    rf"(?:[ \t]*,?\s*\([^()]{{1,160}}\))?[ \t]*,?\s*and\s+(?P<name>{_NAME})(?=[ \t]*(?:,|\.|;|\n|\())"
)
# A party named under its role, on a line or in a table's row of its own ("Lender: Acme Bank, N.A.",
# "Client: Lakeshore Medical Center", "Licensor<tab>Acme Corp., a Delaware corporation")
_ROLES = (
    r"landlord|tenant|lessor|lessee|sublessor|sublessee|licensor|licensee|lender|borrower|guarantor|employer|"
    r"employee|client|customer|supplier|vendor|seller|buyer|purchaser|distributor|contractor|consultant|"
    r"(?:service\s+)?provider|manufacturer|franchisor|franchisee|reseller|partner|agent|owner|"
    r"(?:first|second|third)\s+party|party\s+[ab12]"
)
_ROLE_LABELLED = re.compile(
    rf"(?i)[ \t]*(?:the\s+)?(?P<role>{_ROLES})(?:['’]s\s+name|\s+name)?[ \t]*(?::|\t)[ \t]*"
    rf"(?P<name>(?-i:{_NAME}(?:[ \t]+(?:and|&)[ \t]+{_NAME})?))(?=[ \t]*(?:,|\(|;|\t|$))"
)
# A party the preamble names by the signature page: "between the undersigned ("Employee") and B".
_UNNAMED = re.compile(r"(?i)\b(?:between|among)\s+(?:the\s+undersigned(?:\s+[a-z]+)?|you|me)\b")
# Defined terms that name something other than a party.
_NOT_PARTY_TERM = re.compile(
    r"(?i)\b(?:agreement|effective|date|transaction|information|material|purpose|notes?|stock|shares|"
    r"plan|business|proposal|project|acquisition|merger|period|term|records|demand|letter|nda|"
    r"opportunity|discussions|approval|act|code|rules|services|products?|territory|property)\b"
)
# Words never inside a name: a run of name-like tokens is cut after the last of them
# ("MUTUAL NON-DISCLOSURE AGREEMENT This Acme, Inc." -> "Acme, Inc.").
_BREAK_WORD = re.compile(
    r"(?i)^(?:this|these|that|agreement|exhibit|dear|re|to|attention|attn|confidential|between|among|by|"
    r"whereas|dated?|parties|party|ladies|gentlemen|section|article|schedule|annex|appendix|page|mutual|"
    r"non-?disclosure|nondisclosure|confidentiality|strictly|private|personal|execution|version|logo|form|"
    r"recitals|now|therefore|witnesseth|in|as|i|you|we|name|title|its|his|her|their|our|your|any|all|each|"
    r"such|said|undersigned|hereto|is|or|at|will|shall|may|no|not|be|are|from|upon|without|unless|if|when|"
    r"which|who|herein|hereby|ex-[\d.]+|\d*[.()][\d.()]*|\d{3,}|\w+\.htm|\w+\.txt|corporate|letterhead|dex\w+|"
    r"release|settlement|amendment|addendum|waiver|"  # the document's kind, in titles above the name
    r"address|signature|notices?|contents)$"  # and form furniture: "COMPANY ADDRESS", "TABLE OF CONTENTS"
)
# Words that alone are a role, not a name ("the Company", "Employee").
# Break words that also sit inside names ("Boston Private Bank", "Mutual Benefit Co."): they break
# only in capitals, as the headings print them ("PRIVATE AND CONFIDENTIAL", "MUTUAL NDA").
_NAME_ADJECTIVE = re.compile(r"(?i)^(?:private|personal|mutual)$")
_ROLE_WORD = re.compile(
    r"(?i)^(?:the|company|employee|employer|executive|recipient|discloser|consultant|contractor|buyer|"
    r"seller|parent|counterparty|investor|purchaser|bank|corporation|inc|corp|llc|ltd|co|and|or|of|a|an|"
    r"mr|mrs|ms|dr|distributor|provider|supplier|customer|client|licensee|licensor|vendor|sellers|buyers|"
    r"companies|transaction|holder|stockholder|shareholder|member|director|employees|affiliates|"
    r"subsidiaries|representatives|manufacturer|agent|advisor|adviser|lender|borrower|for)$"  # "FOR THE COMPANY"
)
# A block's role label glued before the name it heads: "EMPLOYEE NIKE, Inc.", "CONSULTANT: Jane Roe".
_LABEL_LEAD = re.compile(
    r"^(?:EMPLOYEE|EMPLOYER|EXECUTIVE|CONSULTANT|CONTRACTOR|RECIPIENT|DISCLOSER|COUNTERPARTY|ASSOCIATE|"
    r"LICENSEE|LICENSOR|BUYER|SELLER|PURCHASER|INVESTOR|ADVISOR|COMPANY)\b:?\s+(?=\S+\s*\S)"
)
_TITLE = re.compile(r"(?i)^(?:mr|mrs|ms|dr|miss)\.?\s+")
_DEGREE = re.compile(r"(?i),?\s*(?:M\.\s?D|Ph\.\s?D|Esq|J\.\s?D)\.?$")
# whole words: "Inc.", "J.", "U.S.", and an OCR gap's lone "." ("Lone Star U.S . Acquisitions")
_ABBREVIATION = re.compile(rf"(?i){_LEGAL}|[A-Z]\.|\w*\.\w+\.?|\w{{1,3}}\.|\.")
_CONNECTORS_AT_EDGE = re.compile(r"(?i)(?:(?:of|and|for|de|\d+\.?)\s+)+")  # and numbers: "EXHIBIT 10 Acme Inc.", "1. Acme Inc."


@dataclass
class _Party:
    """Mentions of one party, merged by name; ``value``/``start``/``end`` are its best-named mention."""

    key: str
    value: str
    start: int
    end: int
    strength: float
    kinds: set[str] = dc_field(default_factory=set)
    aliases: set[str] = dc_field(default_factory=set)
    mentions: int = 1
    first: int = -1  # where it is first named (``start`` is where it is named best)
    signed: bool = False  # its best name is from a signature block

    def __post_init__(self) -> None:
        self.first = self.start if self.first < 0 else self.first
        self.signed = self.kinds == {"signed"}

    def naming(self) -> tuple[bool, bool, float, int]:
        """How well the best mention names it: from the preamble (the labels spell it so), a legal
        name, strongly, in full."""
        return not self.signed, _is_org(self.value), self.strength, len(self.value)


def _name_key(name: str) -> str:
    """Comparable form: upper-case words, "&" as "and", without "the"/"and" or legal suffixes."""
    s = re.sub(r"[^A-Z0-9 ]", " ", name.upper().replace("&", " AND "))
    words = [w for w in s.split() if w not in ("THE", "AND")]
    while words and re.fullmatch(_LEGAL, words[-1], re.I):
        words.pop()
    return " ".join(words)


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The name inside ``text[start:end]``: cut after the last word that cannot be in a name,
    leading connectors and trailing punctuation dropped."""
    words = list(re.finditer(r"\S+", text[start:end]))
    for m in words[:-1]:  # "Seifert Enterprises. Collectively" ends at "Enterprises"
        if m.group().endswith(".") and not _ABBREVIATION.fullmatch(m.group()):
            end = start + m.end() - 1
            words = [w for w in words if w.start() < m.end()]
            break
    for i in range(len(words) - 1, -1, -1):
        m, after = words[i], words[i + 1].group() if i + 1 < len(words) else ""
        word = m.group().strip(",.:;()“”\"'")
        # "PRIVATE" heads a heading in capitals, but not in a legal form ("KAVERI TEXTILES PRIVATE LIMITED")
        in_name = _NAME_ADJECTIVE.match(word) and (not word.isupper() or re.match(r"(?i)(?:limited|ltd)\b", after))
        if _BREAK_WORD.match(word) and not in_name:
            start += m.end()
            break
    while start < end and not (text[start].isalnum() or text[start] == "¢"):
        start += 1
    lead = _CONNECTORS_AT_EDGE.match(text, start, end)
    start = lead.end() if lead else start
    while end > start and text[end - 1] in " \t\n,;:(":
        end -= 1
    return (start, end) if end - start >= 2 else None


# a signature block's line under the name that describes it: "ACME INC.\nA Nevada corporation"
_DESCRIPTION_LINE = re.compile(r"(?i)\s+an?\s+(?:[\w.\-]+\s+){0,5}?(?:corporation|company|partnership)$")


def _clean_name(raw: str) -> str:
    """The name as one line: hyphenated breaks joined, OCR gaps closed, titles and degrees dropped."""
    s = re.sub(r"-\s*\n\s*", "-", raw)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"\s+\.", ".", s)  # OCR gaps: "Inc ." -> "Inc."
    s = re.sub(r"(?<=\w) -(?=[A-Za-z])", "-", s)  # and "Build-A -Bear" -> "Build-A-Bear"
    if (doubled := re.search(r"(?i)\b(\w+\.?),?\s+\1$", s)) and _ORG_SUFFIX.search(doubled.group(1)):
        s = s[: doubled.end(1)]  # a suffix typed twice: "Acme, Inc. Inc."
    if twice := re.fullmatch(r"(.{4,}?)\s+\1", s):
        s = twice.group(1)  # a whole name printed twice (two columns read as one line)
    s = _DESCRIPTION_LINE.sub("", s)
    s = re.sub(r"['’]s$", "", s)  # a possessive: "J.F. Lehman & Company's consideration"
    s = _TITLE.sub("", s).strip(" ,;:")
    s = _LABEL_LEAD.sub("", s)
    while _DEGREE.search(s):
        s = _DEGREE.sub("", s).strip(" ,;:")
    return s


def _is_org(name: str) -> bool:
    return bool(_ORG_SUFFIX.search(name))


def _person_like(name: str) -> bool:
    """"Eric Dean Sprunk", "Maher Albitar", "J. Patrick Mulcahy": 2-4 capitalised words, no digits."""
    return bool(
        re.fullmatch(r"(?:[A-Z][\w'’\-]*\.?\s){1,3}[A-Z][\w'’\-]+(?:,?\s(?:Jr|Sr|II|III|IV)\.?)?", name)
    ) and not re.search(r"\d", name)


def _plausible(name: str, kinds: set[str]) -> bool:
    """A party's name: not a role word, heading, place or address; an organisation or a
    person, or a bare name that the preamble lists or describes as a party."""
    words = name.split()
    if not words or len(words) > 12 or not re.search(r"[A-Za-z]{2}", name):
        return False
    if all(_ROLE_WORD.match(w.strip(",.")) or _BREAK_WORD.match(w.strip(",.")) for w in words):
        return False
    if re.search(r"(?i)\b(?:agreements?|exhibit|section|information|material|whereas|board|directors?|officer)\b", name):
        return False
    if re.search(r"\bAct$", name):
        return False  # a statute: "with the Americans with Disabilities Act"
    if re.search(r"\d{4,}|\b[A-Z]{2}\s+\d{3,}", name) or place_name(re.sub(r"(?i)^(?:the\s+)?(?:state\s+of\s+)?", "", name)):
        return False  # a zip code, or a place ("Delaware", "the State of California")
    bare = re.sub(r"(?i)^(?:an?|the)\s+|\b(?:corporation|company|limited|liability|partnership)\b", "", name).strip()
    if not bare or place_name(bare):
        return False  # "Delaware corporation" from "a Delaware corporation"
    if len(words) == 1 and re.search(r"\d", name):
        return False  # a postcode or reference, not a one-word name
    if words[-1].endswith(".") and not _ABBREVIATION.fullmatch(words[-1]):
        return False  # a sentence or heading end: "Definitions."
    return _is_org(name) or _person_like(name) or bool(kinds & {"listed", "described"})


_OPENING_END = re.compile(
    r"\b(?:WHEREAS|RECITALS|BACKGROUND|PRELIMINARY\s+STATEMENTS?|W\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H|"
    r"NOW,?\s+THEREFORE)\b"
    # the first numbered section, unless it names the parties ("1. Parties. This Agreement is between")
    r"|(?P<section>\n[ \t]*(?:ARTICLE|Article|SECTION|Section)?[ \t]*(?:1|I|ONE)[ \t]*[.:)][ \t]*\n?[ \t]*"
    r"(?!PARTIES|Parties)[A-Z])"
)
# a numbered list of the parties: "BETWEEN\n 1. Acme Corp., a Delaware corporation ... AND\n 2. ..."
_LISTS_PARTIES = re.compile(r"(?i)\b(?:between|among|by\s+and\s+between)\s*:?\s*$")


def _opening_end(text: str) -> int:
    """Where the preamble ends: the recitals or first section, else ``OPENING`` characters."""
    for m in _OPENING_END.finditer(text, 200, OPENING):
        if not (m.group("section") and _LISTS_PARTIES.search(text, max(0, m.start() - 40), m.start())):
            return m.start()
    return min(len(text), OPENING)


def _defined_term(paren: str) -> tuple[bool, str | None]:
    """Whether a parenthetical after a name marks a party, and the term it defines.

    ``(the "Company")``, ``("Recipient")``, ``(hereinafter "SHIRE")``, ``(EMPLOYEE)``,
    ``(formerly known as ...)`` mark one; ``("Effective Date")`` or ``(ii)`` do not.
    """
    quoted = re.search(r"""["“”']([^"“”']{1,40})["“”']""", paren)
    if quoted:
        term = quoted.group(1).strip(" ,")
        ok = not _NOT_PARTY_TERM.search(term) or bool(re.search(r"(?i)part(?:y|ies)", term))
        return ok, term
    bare = paren.strip()
    if re.fullmatch(r"(?:the\s+)?(?:hereinafter\s+(?:referred\s+to\s+as\s+)?)?[A-Z][\w&\-. ]{1,40}", bare):
        return not _NOT_PARTY_TERM.search(bare), bare
    return bool(re.match(r"(?i)(?:a|an|formerly|f/k/a|and\s+its|together|collectively)\b", bare)), None


# What introduces a name that is not a party of its own: an example of a party's group ("the
# Company includes its subsidiaries, including, without limitation, Acme Ltd.", "and its
# subsidiary, Acme Ltd."), or another name of a party ("Acme, Inc. d/b/a Widgets", "f/k/a Beta
# Corp.", "also known as Acme Wealth").
_ASIDE = re.compile(
    r"(?i)\b(?:(?:including|such\s+as)(?:[\s,]+(?:but\s+not\s+limited\s+to|without\s+limitation))?|"
    r"(?:its|their)\s+(?:wholly[\s-]owned\s+)?(?:subsidiary|subsidiaries|affiliates?)|"
    r"dba|d/b/a|f/k/a|a/k/a|(?:formerly|also)\s+known\s+as|formerly|doing\s+business\s+as|"
    r"an?(?=\s+\Z))[\s,:]*\Z"  # and an article: "a Japanese corporation" describes a party, it names none
)
# What may run between the names of one series: their defined terms, commas, "and", other names.
_SERIES = re.compile(rf"(?:[\s,]*(?:\([^()]*\)|(?:and\s+)?{_NAME}))*[\s,]*(?:and\s+)?")


def _mentions(text: str, limit: int) -> Iterator[tuple[int, int, float, str, str | None]]:
    """(start, end, strength, kind, defined term) for each party-like name in ``text[:limit]``,
    but for the names introduced as examples or other names of a party, and the rest of their
    series ("including A (the "Advisor"), B and C")."""
    aside_end = -1
    for start, end, strength, kind, term in sorted(_all_mentions(text, limit)):
        if _ASIDE.search(text, max(0, start - 40), start) or (
            0 <= aside_end <= start and start - aside_end < 300 and _SERIES.fullmatch(text, aside_end, start)
        ):
            aside_end = max(aside_end, end)
        else:
            yield start, end, strength, kind, term


# a company's registration number in brackets after its name describes it, defining nothing:
# "ACME LIMITED (company number 04455667)", "Acme Pte. Ltd. (UEN 201912345K)"
_REGISTRATION = re.compile(
    r"(?i)^\s*(?:(?:company|registration|registered|reg\.?|corporate\s+identity|business)\s+(?:no\.?|number|nr)|"
    r"ACN|ABN|ARBN|UEN|NZBN|CIN|CRN|EIN|GSTIN)\b[^()]*\d"
)


def _all_mentions(text: str, limit: int) -> Iterator[tuple[int, int, float, str, str | None]]:
    """Each defined, described or listed name in ``text[:limit]``; a defined term after a
    described party's description and address is that party's, not the address's last words'
    ("..., Ho Chi Minh City ("Distributor")")."""
    claimed: set[int] = set()  # where the brackets of terms given to described parties open
    for m in _MENTION.finditer(text, 0, limit):
        term, kind = None, "described"
        if m.group("paren") is not None and not _REGISTRATION.match(m.group("paren")):
            ok, term = _defined_term(m.group("paren"))
            if not ok or m.start("paren") in claimed:
                continue
            kind = "defined"
        elif called := _CALLED_AFTER.match(text, m.end(), min(limit, m.end() + 400)):
            term = called.group("term")
        elif later := _TERM_AFTER.match(text, m.end(), min(limit, m.end() + 250)):
            term = _defined_term(later.group("paren"))[1]  # "Acme, Inc., a Delaware corporation (the "Company")"
            claimed.add(later.start("paren"))
        if m.group("described") == "" and text[text.rfind("\n", 0, m.start("name")) + 1 : m.start("name")].strip():
            continue  # named above "hereinafter": the name opening its line, not a word of its address
        bounds = _trim(text, m.start("name"), m.end("name"))
        if bounds:
            yield bounds[0], bounds[1], 0.9 if kind == "defined" else 0.85, kind, term
    for line in re.finditer(r"[^\n]+", text[:limit]):  # each line apart: a name ends with its line
        if not (m := _ROLE_LABELLED.match(text, line.start(), line.end())):
            continue
        cell = re.compile(r"[^\t]*").match(text, m.start("name"), m.end("name"))  # and with its table cell
        bounds = _trim(text, m.start("name"), cell.end())
        if bounds:
            # listed under its role: a bare name there ("Gregory and Ellen Foster") is a party as one listed is
            yield bounds[0], bounds[1], 0.85, "listed", " ".join(m.group("role").split()).title()
    for m in [*_LISTED.finditer(text, 0, limit), *_UNNAMED.finditer(text, 0, limit)]:
        first = m if m.re is _LISTED else None  # "between the undersigned" lists no name itself
        for listed in (first, _AND_NEXT.match(text, m.end(), limit)):
            bounds = listed and _trim(text, listed.start("name"), listed.end("name"))
            if listed and not bounds and (wrap := text.find("\n", listed.start("name"), listed.end("name"))) > 0:
                bounds = _trim(text, listed.start("name"), wrap)  # "Mr. Rahul Sharma" over "H. No. 112": its own line
            if bounds:
                yield bounds[0], bounds[1], 0.75, "listed", None


# -- signature blocks -------------------------------------------------------------------------
# Parties sign at the end: a company's name sits on a line of its own above its "By:" line, an
# individual signs "/s/ Jane Roe" with no title. A person with a title ("By: /s/ Jane Roe",
# "Name: Jane Roe / Title: CEO") signs for a company and is not a party.

_SIGNED = re.compile(r"(?:/s/|(?<![\w-])-\s?s\s?-)[ \t]*", re.I)  # "/s/ Jane Roe"; OCR: "- s- Jane Roe"
_SIGN_ANCHOR = re.compile(rf"(?im)^[ \t]*by\b[ \t]*(?::|_{{3,}}|$)|{_SIGNED.pattern}")
_BY = re.compile(r"(?im)^[ \t]*by\b[ \t]*(?::|_|\(|/s/|$)")
_NAME_LABEL = re.compile(
    r"(?im)^[ \t]*(?:print(?:ed)?\s+name(?:\s+of\s+\w+)?|name|employee(?:\s+(?:print|name))?|executive|"
    r"associate|consultant)[ \t]*:[ \t]*"
)
_OFFICE = (
    r"(?:(?:senior|executive|assistant|deputy|group)\s+)?(?:vice\s+president|president|chief|chairman|director|"
    r"secretary|treasurer|manager|managing|partner|general\s+counsel|officer|ceo|cfo|coo|evp|svp|authori[sz]ed|"
    r"(?:company\s+)?representative)\b"
)
_TITLE_LINE = re.compile(rf"(?i)[ \t]*(?:title\b|its[ \t]*:|{_OFFICE})")
_TITLE_AFTER = re.compile(rf"(?i)[ \t]*,[ \t]*(?:its[ \t]+)?{_OFFICE}")
# Around a company's name in its block: "(2) ACME, INC., a Delaware corporation", "ACME LLC d/b/a Widgets:".
_WITNESS = re.compile(r"(?i)\b(?:witness(?!\s+whereof)|attest)")
_BLOCK_LEAD = re.compile(r"[ \t]*(?:\(\d+\)[ \t]*)?")
_BLOCK_TAIL = re.compile(r"(?i)[ \t]+d/b/a\b.*|,[ \t]*an?[ \t]+[\w \t]+?(?:corporation|company)\b.*|[ \t:,]+$")
# Signature blocks of officers: a "Title:" label or "on behalf of" anywhere among them. In blocks laid
# out side by side (two signatures on one line) a title is not on its signer's own line, but such
# blocks are companies' whose officers sign for them.
_OFFICERS_SIGN = re.compile(r"(?i)\btitle[ \t]*:|\bon[ \t]+behalf[ \t]+of\b")
SIGN_GAP = 1500  # characters without a signature line that end the run of signature blocks
# A block headed by an individual's role ("EMPLOYEE:", "SECOND PARTY"): its "By:" introduces the
# person's own signature, not an officer's.
_PERSON_ROLE = re.compile(
    r"(?i)[ \t]*[\"“]?(?:the[ \t]+)?(?:employee|executive|associate|consultant|individual|advisor|contractor|"
    r"(?:second|other)[ \t]+party)[\"”]?[ \t]*:?[ \t]*$"
)


def signature_region(text: str) -> tuple[int, int] | None:
    """The first run of signature blocks (later runs sign exhibits and acknowledgements),
    with the lines above its first "By:" where the first company is named."""
    anchors = [m.start() for m in _SIGN_ANCHOR.finditer(text)]
    if not anchors:
        return None
    last = anchors[0]
    for at in anchors[1:]:
        if at - last > SIGN_GAP:
            break
        last = at
    return max(0, anchors[0] - 400), min(len(text), last + 300)


def _under_person_role(text: str, lines: list[tuple[int, int]], i: int) -> bool:
    """Whether line ``i`` signs in a block headed by an individual's role: the role is on the line
    or above it, with only signature lines ("By:", "/s/") between."""
    for s, e in reversed(lines[max(0, i - 3) : i + 1]):
        if _PERSON_ROLE.match(text, s, e):
            return True
        if not (_SIGN_ANCHOR.search(text, s, e) or _NAME_LABEL.match(text, s, e)):
            return False
    return False


def _signs_for_another(text: str, lines: list[tuple[int, int]], i: int, name: str) -> bool:
    """Whether ``name`` (signing on line ``i``) witnesses, or signs for a company: after "By"
    (but under an individual's role), or with a title on its line or the next two."""
    if not _is_org(name) and _WITNESS.search(text, lines[i - 1][0] if i else lines[i][0], lines[i][1]):
        return True
    for_self = not _is_org(name) and _under_person_role(text, lines, i)
    for j, (s, e) in enumerate(lines):
        at = text.lower().find(name.lower(), s, e)
        if at < 0:
            continue
        by = _BY.match(text, s, e) or (j and re.fullmatch(r"(?i)\s*by\s*:?\s*", text[slice(*lines[j - 1])]))
        if by and not for_self:
            return True
        if _is_org(name):
            continue  # a company's block has a title line under it; only "By: Acme GP, LLC" is signing for another
        if _TITLE_AFTER.match(text, at + len(name), e) or any(_TITLE_LINE.match(text, *ln) for ln in lines[j + 1 : j + 3]):
            return True
    return False


def _company_line(text: str, lines: list[tuple[int, int]], i: int) -> tuple[int, int] | None:
    """The company named by line ``i`` of a signature block, if it is one: a legal name alone on
    its line, with a signature line ("By:", "/s/", "Name:") among the next three. A name
    wrapped over two lines ("BURLINGTON COAT FACTORY / HOLDINGS, INC.") starts on the line above."""
    s, e = lines[i]
    if not any(_SIGN_ANCHOR.search(text, *ln) or _NAME_LABEL.match(text, *ln) for ln in lines[i + 1 : i + 4]):
        return None
    start = _BLOCK_LEAD.match(text, s, e).end()
    tail = _BLOCK_TAIL.search(text, start, e)
    end = tail.start() if tail else e
    name = _clean_name(text[start:end])
    if not (re.fullmatch(_NAME, text[start:end]) and _is_org(name)) or re.match(r"(?i)an?\s", name):
        return None
    if i and len(_name_key(name).split()) <= 1:
        above = text[slice(*lines[i - 1])].strip()
        if above.isupper() and re.fullmatch(_NAME, above) and not _is_org(above):
            start = lines[i - 1][0] + len(text[slice(*lines[i - 1])]) - len(text[slice(*lines[i - 1])].lstrip())
    return start, end


def _signatures(text: str) -> Iterator[tuple[int, int, float, str]]:
    """(start, end, strength, kind) for each party in the signature blocks: companies named on
    a line of their own, people who sign without a title."""
    region = signature_region(text)
    if not region:
        return
    lines = [(region[0] + m.start(), region[0] + m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text[slice(*region)])]
    officers = bool(_OFFICERS_SIGN.search(text, *region))
    for i, (s, e) in enumerate(lines):
        signed = _SIGNED.search(text, s, e) or _NAME_LABEL.match(text, s, e)
        if signed:  # a person: the name after "/s/" or "Name:", or under a label alone on its line
            at, stop = signed.end(), e
            if signed.re is _NAME_LABEL and not text[at:e].strip() and i + 1 < len(lines):
                at, stop = lines[i + 1]  # "EMPLOYEE:" alone on its line, the printed name under it
            m = re.compile(_NAME).match(text, at, stop)
            bounds = m and _trim(text, m.start(), m.end())
            name = bounds and _clean_name(text[bounds[0] : bounds[1]])
            side_by_side = len(_SIGNED.findall(text, s, e)) > 1
            for_self = not (officers and side_by_side) or _under_person_role(text, lines, i)
            if name and _person_like(name) and for_self and not _signs_for_another(text, lines, i, name):
                yield bounds[0], bounds[1], 0.7, "signed"
        elif (company := _company_line(text, lines, i)) and not _signs_for_another(
            text, lines, i, _clean_name(text[company[0] : company[1]])
        ):
            yield company[0], company[1], 0.8, "signed"


def find_parties(ctx: Context, spec: FieldSpec) -> list[Proposal]:
    """The contracting parties, each once, from the preamble (and a letter's header).

    A name counts as a party when the preamble gives it a defined term
    (``Acme, Inc. (the "Company")``), describes it (``, a Delaware corporation``,
    ``, an individual``), or lists it after "between"/"among". Mentions of one
    party (its defined term, "Acme" vs "Acme, Inc.") merge into one candidate
    whose value is its fullest legal name.
    """
    if "parties" not in ctx.memo:
        ctx.memo["parties"] = _read_parties(ctx)
    return [proposal for _, proposal in ctx.memo["parties"]]


# words of a field's name that say it holds a party, not which one
_PARTY_WORDS = frozenset("party parties name legal full entity the".split())


def find_party(ctx: Context, spec: FieldSpec) -> list[Proposal] | None:
    """One of the parties, for a field that holds one ("disclosing_party", "licensor"): the
    party whose defined term its name says (``Acme ("Disclosing Party")``); else the schema's
    fields of one party each take the parties left in the order the preamble names them, so
    ``disclosing_party`` and ``receiving_party`` are two parties, not one read twice. The
    others stay as rivals for a person to choose."""
    found = find_parties(ctx, spec)
    if not found:
        return None
    parties = [party for party, _ in ctx.memo["parties"]]
    fields = [f.name for f in ctx.specs if (f.kind == "organization" or set(spelled(f.name)) & _PERSON_SIDE) and not f.many]
    said = {name: _role(name, parties) for name in fields}
    if (own := said.get(spec.name, _role(spec.name, parties))) is not None:
        chosen, role = own, 1.0
    else:
        left = [i for i in range(len(parties)) if i not in said.values()]
        unsaid = [name for name in fields if said[name] is None]
        # a field for a person ("employee") takes a person left, one for an employer a company
        # left, before the others take the parties left in the preamble's order
        for name in unsaid:
            wants = set(spelled(name)) & (_PERSON_SIDE | _COMPANY_SIDE)
            fits = [i for i in left if (_person_like(parties[i].value) and not _is_org(parties[i].value)) == bool(wants & _PERSON_SIDE)]
            if wants and fits:
                said[name] = fits[0]
                left.remove(fits[0])
        if said.get(spec.name) is not None:
            chosen, role = said[spec.name], 0.5
        else:
            unsaid = [name for name in fields if said[name] is None]
            at = unsaid.index(spec.name) if spec.name in unsaid else 0
            chosen, role = (left[at], 0.5) if at < len(left) else (None, 0.0)
    return [replace(p, signals={**p.signals, "role": role if i == chosen else 0.0}) for i, p in enumerate(found)]


# the sides of an employment, as agreements define them: the employer is "the Company", the
# employee "the Executive"; a field named for one is the party its side's term defines
_PERSON_SIDE = frozenset({"employee", "executive"})
_COMPANY_SIDE = frozenset({"employer"})
_SIDE_TERMS = {"employer": {"employer", "company"}, "employee": {"employee", "executive"}}


def _role(name: str, parties: list[_Party]) -> int | None:
    """The party whose defined term holds every word of the field's name that tells parties
    apart ("disclosing" of ``disclosing_party`` in "Disclosing Party"; "the Company" for an
    employer), or None."""
    own = set(spelled(name)) - _PARTY_WORDS

    def defines(term: str) -> bool:
        said = set(words(term))
        return own <= said or (len(own) == 1 and bool(_SIDE_TERMS.get(next(iter(own)), set()) & said))

    matched = [i for i, p in enumerate(parties) if own and any(defines(term) for term in p.aliases)]
    return matched[0] if len(matched) == 1 else None


def _read_parties(ctx: Context) -> list[tuple[_Party, Proposal]]:
    text = ctx.text
    parties: list[_Party] = []
    for start, end, strength, kind, term in _mentions(text, _opening_end(text)):
        value = _clean_name(text[start:end])
        key = _name_key(value)
        if not key or not _plausible(value, {kind}):
            continue
        if not (_is_org(value) or _person_like(value)):
            strength *= 0.8
        new = _Party(key, value, start, end, strength, {kind}, {_clean_name(term)} if term else set())
        if _merge(parties, new):
            parties.append(new)
    named = len(parties)
    for start, end, strength, kind in _signatures(text):
        value = _clean_name(text[start:end])
        if _plausible(value, {kind}):
            new = _Party(_name_key(value), value, start, end, strength, {kind})
            # a party only the signatures name counts where the preamble names fewer than two
            # (it says "I" or "you" for the other); beside two named parties it signs for one
            if _merge(parties, new) and named < 2:
                parties.append(new)
    # the share of the parties that both the preamble and the signature blocks name: a list both
    # agree on is right far more often (95% of such names on the train split, 70% of the others);
    # one value for all items, as the list is right or wrong as a whole
    consensus = sum(1 for p in parties if "signed" in p.kinds and len(p.kinds) > 1) / max(1, len(parties))
    out = []
    for p in sorted(parties, key=lambda p: p.first):
        preamble = p.kinds - {"signed"}  # support counts the preamble's mentions: signing is ``consensus``
        support = min(1.0, 0.5 + 0.25 * (p.mentions - ("signed" in p.kinds) - 1) + 0.25 * (len(preamble) > 1))
        typed = 1.0 if _is_org(p.value) or _person_like(p.value) else 0.5
        # where parties are named: the opening, or the signature blocks (for a name only they give)
        position = 1.0 if p.kinds == {"signed"} else position_weight(ctx, p.first)
        out.append((p, Proposal(
            value=p.value,
            spans=[(p.start, p.end)],
            signals={"match": p.strength, "typed": typed, "position": position, "support": support, "consensus": consensus},
        )))
    return out


def _same_person(a: str, b: str) -> bool:
    """"Ray M. Dolby" and "RAY DOLBY": people named by the same first and last name."""
    if not (_person_like(a) and _person_like(b)):
        return False
    wa, wb = _name_key(a).split(), _name_key(b).split()
    return len(wa) > 1 and len(wb) > 1 and wa[0] == wb[0] and wa[-1] == wb[-1]


def _shortened(a: str, b: str) -> bool:
    """One name the other with words left out between its first and last ("BIRCH FIRST
    INVESTMENTS" signing for "BIRCH FIRST GLOBAL INVESTMENTS")."""
    short, long = sorted((a.split(), b.split()), key=len)
    if len(short) < 2 or len(short) == len(long) or (short[0], short[-1]) != (long[0], long[-1]):
        return False
    rest = iter(long)
    return all(w in rest for w in short)  # in order


def _merge(parties: list[_Party], new: _Party) -> bool:
    """Fold ``new`` into the party it names: same key, one name a prefix or a shortening of the
    other, a near-identical spelling, the other's defined term ("Acme" for "Acme Holdings, Inc."), or the
    same person. False when it names none of them (the caller decides whether to add it)."""
    for p in parties:
        same = (
            p.key == new.key
            or p.key.startswith(new.key + " ")
            or new.key.startswith(p.key + " ")
            or fuzz.ratio(p.key, new.key) >= 92
            or _shortened(p.key, new.key)
            or new.key in {_name_key(a) for a in p.aliases}
            or p.key in {_name_key(a) for a in new.aliases}
            or _same_person(p.value, new.value)
        )
        if same:
            if new.naming() > p.naming():
                p.value, p.start, p.end, p.key, p.signed = new.value, new.start, new.end, new.key, new.signed
            p.mentions += 1
            p.kinds |= new.kinds
            p.aliases |= new.aliases
            p.strength = max(p.strength, new.strength)
            p.first = min(p.first, new.first)
            return False
    return True
