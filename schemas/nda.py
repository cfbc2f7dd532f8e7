"""A non-disclosure agreement."""

from schemas.base import DocumentSchema, field
from schemas.types import Date, Jurisdiction, Organization, Term


class NDA(DocumentSchema):
    name = "nda"
    version = "1"
    title = "Non-disclosure agreement"
    cues = ["contracts_us"]
    keywords = [
        "confidential information", "non-disclosure", "nondisclosure", "confidentiality agreement",
        "disclosing party", "receiving party", "governed by",
    ]

    party: list[Organization] = field(
        "The parties who sign the agreement (companies or people), each once.",
        aliases=["by and between", "between", "party", "parties"],
        many=True,
    )
    jurisdiction: Jurisdiction | None = field(
        "The state or country whose law governs the agreement.",
        aliases=["governed by the laws of", "laws of the state of", "governing law", "jurisdiction"],
    )
    effective_date: Date | None = field(
        "The date the agreement takes effect.",
        aliases=["effective date", "effective as of", "dated as of", "entered into as of", "made as of"],
    )
    term: Term | None = field(
        'How long the agreement lasts, as "N unit", e.g. "3 years".',
        aliases=["term", "period of", "for a period of", "remain in effect for", "shall continue for"],
    )
