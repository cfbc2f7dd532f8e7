"""Who is reviewing: OIDC through Streamlit's ``st.login``, or local accounts.

- OIDC when Streamlit's secrets hold an ``[auth]`` section (``redirect_uri``,
  ``cookie_secret``, ``client_id``, ``client_secret``, ``server_metadata_url``;
  see ``st.login``); the reviewer is the identity's email.
- Otherwise local accounts from a YAML file in streamlit-authenticator's
  ``credentials.usernames`` format, passwords stored only as bcrypt hashes
  (``docloop review-user NAME`` adds one).
- Neither configured: nobody gets in; the login page says how to configure one.

The app asks :func:`reviewer` before it builds its navigation, so no page or
action exists for a session that has not logged in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import bcrypt
import streamlit as st
import yaml

SESSION_KEY = "reviewer"
FAILED_LOGIN_DELAY_S = 1.0  # slows password guessing from one session
# Checked when the user is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = bcrypt.hashpw(b"not a password", bcrypt.gensalt()).decode()


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    password_hash: str


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def load_accounts(path: Path) -> dict[str, Account]:
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text()) or {}
    users = (data.get("credentials") or {}).get("usernames") or {}
    return {
        name: Account(name, str(entry.get("name") or name), str(entry["password"]))
        for name, entry in users.items()
        if entry and entry.get("password")
    }


def save_account(path: Path, username: str, password: str, name: str | None = None) -> None:
    """Add or replace a local account (the file keeps any other keys it has)."""
    data = (yaml.safe_load(path.read_text()) if path.is_file() else None) or {}
    users = data.setdefault("credentials", {}).setdefault("usernames", {})
    users[username] = {**(users.get(username) or {}), "name": name or username, "password": hash_password(password)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=True))
    path.chmod(0o600)


def verify(accounts: dict[str, Account], username: str, password: str) -> Account | None:
    account = accounts.get(username)
    ok = bcrypt.checkpw(password.encode(), (account.password_hash if account else _DUMMY_HASH).encode())
    return account if ok and account else None


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False


def reviewer() -> str | None:
    """The logged-in reviewer's name, or None."""
    if oidc_configured():
        if not st.user.is_logged_in:
            return None
        return str(st.user.get("email") or st.user.get("sub") or st.user.get("name"))
    return st.session_state.get(SESSION_KEY)


def logout() -> None:
    """End the session's login (a button callback: the app reruns after it)."""
    if oidc_configured():
        st.logout()
    else:
        st.session_state.pop(SESSION_KEY, None)


def login_page(users_file: Path) -> None:
    """The one page a session sees before it has logged in."""
    st.title("docloop review")
    if oidc_configured():
        st.button("Log in with single sign-on", on_click=st.login, type="primary")
        return
    accounts = load_accounts(users_file)
    if not accounts:
        st.error("No reviewer accounts are configured.")
        st.text(f"Add one with:  docloop review-user NAME   (writes {users_file})\n"
                "or configure OIDC in an [auth] section of .streamlit/secrets.toml.")
        return
    with st.form("login"):
        username = st.text_input("Username", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        account = verify(accounts, username.strip(), password)
        if account is None:
            time.sleep(FAILED_LOGIN_DELAY_S)
            st.error("Wrong username or password.")
            return
        st.session_state[SESSION_KEY] = account.username
        st.rerun()
