from typing import Optional

from pydantic import BaseModel


class Receipt(BaseModel):
    company: Optional[str] = None
    date: Optional[str] = None
    address: Optional[str] = None
    total: Optional[float] = None


class ReceiptExtraction(BaseModel):
    receipt: Receipt
