"""The base of every value kind; see :mod:`pipeline.kinds`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from pipeline.extractors.finding import Context, Proposal, find_labelled_text
from pipeline.stopwords import english_stop_words
from schemas.types import clean_text, parse_date

if TYPE_CHECKING:
    from pipeline.schemas import FieldSpec


class Kind:
    """One kind of value. Subclasses set the class attributes and override what differs.

    - ``parse(text)``: the typed value printed as ``text``, or None when it is not of this kind;
    - ``json_type``: the pydantic type of a value (for document types written as JSON Schema);
    - ``grounding``: a regex of substrings worth parsing when locating a typed value in the
      text; None for text kinds, which are located by their words;
    - ``hint``: how the prompt describes the value to a model (None: the description suffices);
    - ``find`` / ``find_many``: the generic finder for a single value / a list (any document
      type; cue packs add region- or document-specific ones before it);
    - ``implausible(value, printed)``: why a value, printed as it was, is not plausibly of this
      kind (then it is never auto-accepted, see ``pipeline.plausible``); None when it is.
    """

    name: ClassVar[str]
    json_type: ClassVar[Any] = None
    grounding: ClassVar[str | None] = None
    hint: ClassVar[str | None] = None

    def parse(self, text: Any) -> Any:
        return clean_text(text)

    def find(self, ctx: Context, spec: FieldSpec) -> list[Proposal] | None:
        """Proposals for a single value; by default the text printed after one of the field's labels."""
        return find_labelled_text(ctx, spec, self.parse or clean_text)

    def find_many(self, ctx: Context, spec: FieldSpec) -> list[Proposal] | None:
        """Proposals for the items of a list field: by default every value ``find`` proposes
        (the scorer keeps the items strong enough, e.g. those under the field's label)."""
        return self.find(ctx, spec)

    def implausible(self, value: Any, printed: str) -> str | None:
        return None


MAX_NAME_WORDS = 15  # longer is a sentence a model copied, not a name
# a scheme, "www.", a path or an e-mail make an address; a bare "Amazon.com" can be a company's name
_WEB_ADDRESS = re.compile(
    r"(?i)(?:https?://|www\.)\S+|(?:[\w-]+\.)+[a-z]{2,}/\S*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)


def implausible_name(value: Any) -> str | None:
    """A name (party, company, place) has letters and is not a lone common word."""
    text = str(value).strip()
    if not re.search(r"[^\W\d_]{2}", text):
        return "name without letters"
    if text.casefold() in english_stop_words():
        return "name is a common word"
    if len(text.split()) > MAX_NAME_WORDS:
        return "a sentence, not a name"
    if _WEB_ADDRESS.fullmatch(text):
        return "a web or e-mail address, not a name"
    if text.endswith(":"):
        return "a label, not a name"
    if len(_SENTENCE_END.findall(text)) >= 2 or (text.endswith("!") and re.search(r"\s[a-z]{2,}", text)):
        return "a slogan, not a name"  # "Save More. Live Better.", "Thank you!"
    if " ".join(text.casefold().split()) in DOCUMENT_TITLES:
        return "a document's title, not a name"
    if _TERMS.fullmatch(text):
        return "payment terms, not a name"
    if _DATE_SHAPED.fullmatch(text) and parse_date(text) is not None:
        return "a date, not a name"
    return None


# what a document calls itself at its head ("TAX INVOICE", "請求書"), in the languages of the cue packs
DOCUMENT_TITLES = frozenset({
    "invoice", "tax invoice", "commercial invoice", "proforma invoice", "pro forma invoice", "receipt",
    "sales receipt", "credit note", "debit note", "statement", "quotation", "purchase order", "delivery note",
    "rechnung", "quittung", "facture", "factura", "factura simplificada", "fattura", "fatura", "faktura",
    "faktura vat", "factuur", "nota fiscal", "請求書", "領収書", "納品書", "見積書", "発票", "发票", "收据",
})
# a word of four letters or more ending a sentence: no legal form's abbreviation ("Co.", "Ltd.")
_SENTENCE_END = re.compile(r"[^\W\d_]{4,}[.!?](?=\s|$)")
# payment terms printed beside the parties ("Terms: Net 30")
_TERMS = re.compile(r"(?i)(?:net|n)[ /]?\d{1,3}(?: days?)?|\d{1,3} days?(?: net)?|due on receipt|cash on delivery|cod")
# a date and nothing else: a month's name or numbers, with a year ("March 3, 2025", "03/03/2025")
_DATE_SHAPED = re.compile(r"(?i)(?=.*\d{4}|(?:.*\d{1,2}[./-]){2})[\w.,/ -]{6,30}")
