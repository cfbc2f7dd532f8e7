from datetime import date
from decimal import Decimal
from typing import Optional

from pydantic import BaseModel, Field


class Till(BaseModel):
    """A till receipt from a shop."""

    vendor_name: str = Field(description="Name of the shop")
    vendor_address: Optional[str] = None
    purchased_at: Optional[date] = None
    grand_total: Optional[Decimal] = Field(None, description="Total paid")
