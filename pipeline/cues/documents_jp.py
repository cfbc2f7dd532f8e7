"""Japanese invoices and receipts (請求書, 領収書): their labels, the qualified-invoice registration
number (登録番号 T + 13 digits) and yen.

Selected by any type that names no regional pack for a document that shows two of the
``SIGNS``, and by a type that names it. A Japanese invoice addresses its customer first ("… 御中")
and prints its issuer under 発行元 or at the foot beside its seal; it labels the amount billed
ご請求金額 or 合計, the subtotal 小計, the consumption tax 消費税, the due date お支払期限.
Dates ("2025年3月31日") are read by the generic date kind.
"""

# how these documents print the English labels of pipeline.infer.SAME_LABELS
LABELS = {
    "total": ("合計", "合計金額", "ご請求金額", "請求金額", "総合計", "お支払金額", "税込合計"),
    "subtotal": ("小計", "税抜合計", "税抜金額"),
    "tax": ("消費税", "消費税額", "税額", "内消費税"),
    "date": ("請求日", "発行日", "日付", "請求書発行日", "領収日"),
    "invoice number": ("請求書番号", "請求番号", "伝票番号", "書類番号", "領収書番号"),
    "due date": ("お支払期限", "支払期限", "お支払期日", "支払期日", "お振込期限", "振込期限"),
    "vat number": ("登録番号", "適格請求書発行事業者登録番号", "事業者登録番号"),
    "seller": ("発行元", "発行者", "請求元"),
    "description": ("品目", "品名", "内容", "摘要"),
    "quantity": ("数量",),
    "unit price": ("単価",),
    "amount": ("金額",),
}

PATTERNS = {
    # the honorific after the customer's name: its line names the other party, not the issuer
    "addressee": (r"\S[ \t\u3000]*(?:御中|様|殿)[ \t\u3000]*$",),
}

CURRENCY = "JPY"

# different marks of a Japanese invoice or receipt (two are needed, see pipeline.cues.MIN_SIGNS)
SIGNS = (
    r"株式会社|合同会社|有限会社|\(株\)|（株）",
    r"御中|様(?:\s|$)",
    r"消費税|税込|税抜",
    r"¥[ \t]?\d|\d[ \t]?円",
    r"〒[ \t]?\d{3}-\d{4}",
    r"請求書|領収書|納品書",
    r"\bT\d{13}\b",
)
