"""Settings, from the environment (``DOCLOOP_*``) or a ``.env`` file.

One object, read once per process; stages take the values they need as
arguments, so tests can pass their own without touching the environment.
"""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCLOOP_", env_file=".env", extra="ignore")

    home: Path = Field(Path("var"), description="Where the embedded default keeps its files.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default a SQLite file in home.")
    bucket: str | None = Field(None, description="s3://bucket/prefix or a local folder; default home/bucket.")
    broker_url: str | None = Field(None, description="amqp:// or redis://; unset runs in process.")

    # limits for untrusted input
    max_file_mb: float = 50.0
    max_pages: int = 500
    parse_timeout_s: float = 120.0
    parse_memory_mb: int = 2048
    max_image_pixels: int = 60_000_000
    ocr_cache: Path | None = Field(None, description="Folder keeping OCR results by image hash; unset: none kept.")
    ocr_engine: Literal["rapidocr", "tesseract"] = Field(
        "rapidocr",
        description="OCR of images and of PDF pages without a text layer: rapidocr (PaddleOCR's models; reads receipt "
        "scans far better, bench/ocr_scans.py) or tesseract. Languages other than English are read by tesseract either way.",
    )

    # extraction
    llm_provider: str = Field("embedded", description="embedded | openai | anthropic | none")
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = 120.0
    llm_max_retries: int = 2
    llm_price_in_per_mtok: float = 0.0
    llm_price_out_per_mtok: float = 0.0
    llm_policy: str = Field(
        "weak",
        description="weak: the model reads only fields the rules left weak; check: it also reads the fields "
        "about to be auto-accepted, and a disagreement sends them to review.",
    )
    chunk_chars: int = 1500
    review_threshold: float = 0.9
    audit_rate: float = Field(
        0.0, ge=0.0, le=1.0,
        description="Share of would-be auto-accepted fields sent to review anyway: unbiased outcomes for re-fits, and a check on drift.",
    )
    token_budget_per_document: int = 20_000

    # observability (traces themselves are configured by the standard OTEL_* variables)
    store_prompts: Literal["full", "hash", "none"] = Field(
        "full", description="What each stored model call keeps: full request and answer, the request's hash only, or neither."
    )
    log_format: Literal["text", "json"] = Field("text", description="json: one JSON object per log line, with trace and document ids.")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'docloop.db').resolve()}"

    @property
    def resolved_bucket(self) -> str:
        return self.bucket or str(self.home / "bucket")


@lru_cache
def get_settings() -> Settings:
    return Settings()
