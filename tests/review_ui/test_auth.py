"""Local reviewer accounts: bcrypt hashes, never plain passwords."""

from __future__ import annotations

import stat

from review_ui import auth


def test_saved_account_verifies_only_with_its_password(tmp_path):
    path = tmp_path / "reviewers.yaml"
    auth.save_account(path, "alice", "correct horse", "Alice A.")
    auth.save_account(path, "bob", "battery staple")
    text = path.read_text()
    assert "correct horse" not in text and "$2b$" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    accounts = auth.load_accounts(path)
    assert set(accounts) == {"alice", "bob"} and accounts["alice"].name == "Alice A."
    assert auth.verify(accounts, "alice", "correct horse").username == "alice"
    assert auth.verify(accounts, "alice", "battery staple") is None
    assert auth.verify(accounts, "mallory", "correct horse") is None


def test_resetting_a_password_replaces_the_hash(tmp_path):
    path = tmp_path / "reviewers.yaml"
    auth.save_account(path, "alice", "old password")
    auth.save_account(path, "alice", "new password")
    accounts = auth.load_accounts(path)
    assert auth.verify(accounts, "alice", "old password") is None
    assert auth.verify(accounts, "alice", "new password") is not None


def test_missing_file_means_no_accounts(tmp_path):
    assert auth.load_accounts(tmp_path / "none.yaml") == {}
