"""Malaysian receipts: Malay words, Malaysian places and SSM company numbers.

Selected by a type that names it, and by any type that names no regional pack (the
built-in receipt type among them) for a document that shows two of the ``SIGNS``. Words extend the generic ones of the money,
organisation and address kinds (see ``pipeline.kinds.money`` and
``pipeline.kinds.lines``).
"""

WORDS = {
    "total": {"jumlah"},
    "tender": {"tunai"},  # cash
    "change": {"kembalian", "baki"},
    "summary": {"ringkasan"},
    "adjustment": {"pembundaran"},  # rounding
    "street": set("jalan jln lorong lrg taman tmn bandar bdr lot kawasan persiaran kampung kg batu".split()),
    "business": {"restoran", "kedai", "farmasi"},
    "furniture": {"sst"},
}

# how these receipts print the English labels of pipeline.infer.SAME_LABELS
LABELS = {"total": ("jumlah",), "date": ("tarikh",)}

_STATES = (
    "selangor", "johor", "kuala lumpur", "penang", "pulau pinang", "perak", "kedah", "melaka", "malacca",
    "negeri sembilan", "pahang", "terengganu", "kelantan", "sabah", "sarawak", "putrajaya", "labuan", "perlis",
)

PATTERNS = {
    # Sendirian Berhad (private limited) and Berhad, as printed: "SDN. BHD.", "SDN BND", "S/B"
    "legal_form": (r"sdn\.?\W{0,2}b[hn]d\.?", r"s/b", r"bhd\.?", r"berhad"),
    "region": (*_STATES, r"darul \w+", "malaysia", "singapore"),
    "contact": ("hp", "sst"),  # hand phone; sales and service tax
    # a line that holds only an SSM company number and its label: "822737-X", "(002049088-U)",
    # "CO. REG. NO: 000948487-V", "COMPANY NO:" (number left blank); a bare number needs the
    # letter suffix ("-X"), so phone and tax numbers do not count
    "company_number_line": (
        r"(?i)\W*(?:(?:co|company|roc|reg|registration|no|number)\b\W*)*(?P<no>[A-Z]{0,2}\d{5,12}\s?-\s?[A-Z])?\W*",
    ),
    "company_number_label": (r"(?i)\W*(?:co|company|roc)\b",),
    # a company number beside a name: "(308282-A)", "(NO. 193573-M)"
    "registration": (r"\([^()\d]*\d{4,9}[\s-]*[A-Z]\s*\)",),
}

# different marks of a Malaysian document (two are needed, see pipeline.cues.MIN_SIGNS)
SIGNS = (
    r"(?i)\bsdn\.?\s?b[hn]d\b",
    r"(?i)\b(?:" + "|".join(_STATES) + r")\b",
    r"(?i)\bmalaysia\b",
    r"(?i)\b(?:jalan|jln|taman|lorong)\b",
    r"\bRM\s?\d",
    r"\b\d{5,12}\s?-\s?[A-Z]\b",  # an SSM company number with its check letter
    r"\bSST\b",  # sales and service tax
)

# words a Malaysian user writes field names in (pipeline.cues.in_english): a schema with
# "nama_kedai", "alamat", "tarikh", "jumlah" reads them as a shop's name, its address, a date, a total
NAMES = {
    "nama kedai": "shop name", "nama syarikat": "company name", "nama penjual": "seller name",
    "kedai": "shop", "syarikat": "company", "penjual": "seller", "peniaga": "merchant", "nama": "name",
    "alamat": "address", "tarikh": "date", "jumlah": "total", "jumlah besar": "grand total",
    "amaun": "amount", "harga": "price", "cukai": "tax", "resit": "receipt", "nombor": "number",
    "mata wang": "currency", "bayaran": "payment",
}
