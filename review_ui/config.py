"""Settings of the review UI (``DOCLOOP_REVIEW_*``), beside the pipeline's own.

The UI runs as its own process (``streamlit run``), so ``docloop review`` passes
its options down as these environment variables.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pipeline.config import get_settings


class ReviewSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCLOOP_REVIEW_", env_file=".env", extra="ignore")

    out: Path = Field(Path("out"), description="Folder for <document>.json of completed documents.")
    users_file: Path | None = Field(
        None,
        description="YAML of local accounts (streamlit-authenticator's credentials format, bcrypt hashes); "
        "default DOCLOOP_HOME/reviewers.yaml.",
    )
    claim_minutes: float = Field(15.0, description="How long a claimed field stays with its reviewer.")
    page_size: int = Field(50, description="Documents per queue page.")
    max_failed_logins: int = Field(5, description="Failed logins per account, and per client, before a lockout.")
    lockout_minutes: float = Field(15.0, description="How long a lockout lasts (failures count over the same window).")
    session_hours: float = Field(8.0, description="A login ends this long after it began.")
    idle_minutes: float = Field(30.0, description="A login ends after this long without activity.")

    @property
    def resolved_users_file(self) -> Path:
        return self.users_file or get_settings().home / "reviewers.yaml"


@lru_cache
def get_review_settings() -> ReviewSettings:
    return ReviewSettings()
