"""Who is reviewing: OIDC through Streamlit's ``st.login``, or local accounts.

- OIDC when Streamlit's secrets hold an ``[auth]`` section (``redirect_uri``,
  ``cookie_secret``, ``client_id``, ``client_secret``, ``server_metadata_url``;
  see ``st.login``); the reviewer is the identity's email.
- Otherwise local accounts from a YAML file in streamlit-authenticator's
  ``credentials.usernames`` format, passwords stored only as bcrypt hashes
  (``docloop review-user NAME`` adds one).
- Neither configured: nobody gets in; the login page says how to configure one.

The app asks :func:`reviewer` before it builds its navigation, so no page or
action exists for a session that has not logged in. Local logins are throttled
and expire (``review_ui.guard``: lockout per account and per client after
repeated failures, logged; a maximum session length and an idle timeout), and
survive a reload: the browser keeps a random token in an HttpOnly cookie that this
server process maps back to the login (``review_ui.remember``); logging out revokes it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import bcrypt
import streamlit as st
import yaml

from review_ui.config import get_review_settings
from review_ui.guard import LoginGuard
from review_ui.remember import COOKIE, logins, ticket_script

SESSION_KEY = "reviewer"
LOGIN_AT, SEEN_AT = "reviewer_login_at", "reviewer_seen_at"  # monotonic seconds, for expiry
TOKEN_KEY, COOKIE_DUE = "reviewer_token", "reviewer_cookie_due"  # this login's token; the browser still needs it
FAILED_LOGIN_DELAY_S = 1.0  # slows password guessing from one session
# Checked when the user is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = bcrypt.hashpw(b"not a password", bcrypt.gensalt()).decode()


ROLES = ("reviewer", "admin")


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    password_hash: str
    role: str = "reviewer"  # admin: every schema and the dashboard
    schemas: tuple[str, ...] = ()  # a reviewer's document types; empty: all of them

    def sees(self, schema: str) -> bool:
        return self.role == "admin" or not self.schemas or schema in self.schemas


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def load_accounts(path: Path) -> dict[str, Account]:
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text()) or {}
    users = (data.get("credentials") or {}).get("usernames") or {}
    return {
        name: Account(
            name, str(entry.get("name") or name), str(entry.get("password") or ""),
            str(entry.get("role") or "reviewer"), tuple(entry.get("schemas") or ()),
        )
        for name, entry in users.items()
        if entry
    }


def save_account(
    path: Path, username: str, password: str, name: str | None = None, role: str = "reviewer", schemas: list[str] | None = None
) -> None:
    """Add or replace a local account (the file keeps any other keys it has)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    data = (yaml.safe_load(path.read_text()) if path.is_file() else None) or {}
    users = data.setdefault("credentials", {}).setdefault("usernames", {})
    users[username] = {
        **(users.get(username) or {}), "name": name or username, "password": hash_password(password),
        "role": role, "schemas": list(schemas or []),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=True))
    path.chmod(0o600)


def verify(accounts: dict[str, Account], username: str, password: str) -> Account | None:
    account = accounts.get(username)
    if account is not None and not account.password_hash:  # listed for its role only (an OIDC identity)
        account = None
    ok = bcrypt.checkpw(password.encode(), (account.password_hash if account else _DUMMY_HASH).encode())
    return account if ok and account else None


def account_of(users_file: Path, name: str) -> Account:
    """The logged-in reviewer's account: roles and schemas from the accounts file (an OIDC
    identity may be listed there by its email, without a password); else a plain reviewer."""
    return load_accounts(users_file).get(name) or Account(name, name, "")


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False


@st.cache_resource
def login_guard() -> LoginGuard:
    """The server's one guard: every session's login attempts count together."""
    cfg = get_review_settings()
    return LoginGuard(cfg.max_failed_logins, cfg.lockout_minutes * 60, cfg.lockout_minutes * 60)


def client_address() -> str:
    return st.context.ip_address or "unknown"


def reviewer() -> str | None:
    """The logged-in reviewer's name, or None (also once the login has expired)."""
    if oidc_configured():
        if not st.user.is_logged_in:
            return None
        return str(st.user.get("email") or st.user.get("sub") or st.user.get("name"))
    name = st.session_state.get(SESSION_KEY)
    now = time.monotonic()
    if name is None:
        return _resume(now)
    started = st.session_state.setdefault(LOGIN_AT, now)
    if logins().clock.expired(started, st.session_state.get(SEEN_AT, now), now):
        logout()
        return None
    st.session_state[SEEN_AT] = now
    # One login, however many tabs: activity in any keeps it alive, logging out in one ends all
    if TOKEN_KEY in st.session_state and logins().resume(st.session_state[TOKEN_KEY], now) is None:
        logout()
        return None
    return name


def _resume(now: float) -> str | None:
    """A new session (a reload, a link in a new tab) of a browser whose login is still live."""
    token = st.context.cookies.get(COOKIE)
    found = logins().resume(token, now) if token else None
    if found is None:
        return None
    name, started = found
    st.session_state.update({SESSION_KEY: name, LOGIN_AT: started, SEEN_AT: now, TOKEN_KEY: token})
    return name


def hand_over_token() -> None:
    """Right after a login, have the browser fetch its login cookie (once), so a reload
    resumes the login. The script carries a one-time ticket, never the token."""
    if st.session_state.pop(COOKIE_DUE, False):
        st.html(ticket_script(logins().ticket(st.session_state[TOKEN_KEY], time.monotonic())), unsafe_allow_javascript=True)


def logout() -> None:
    """End the session's login (a button callback: the app reruns after it)."""
    if oidc_configured():
        st.logout()
    else:
        token = st.session_state.pop(TOKEN_KEY, None)
        if token is not None:
            logins().revoke(token)
        for key in (SESSION_KEY, LOGIN_AT, SEEN_AT):
            st.session_state.pop(key, None)


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
        username, client, guard = username.strip(), client_address(), login_guard()
        if guard.locked(username, client):  # the password is not even checked
            guard.failed(username, client)
            time.sleep(FAILED_LOGIN_DELAY_S)
            st.error("Too many failed logins. Try again later.")
            return
        account = verify(accounts, username, password)
        if account is None:
            guard.failed(username, client)
            time.sleep(FAILED_LOGIN_DELAY_S)
            st.error("Wrong username or password.")
            return
        guard.succeeded(username, client)
        now = time.monotonic()
        st.session_state.update({SESSION_KEY: account.username, LOGIN_AT: now, SEEN_AT: now, COOKIE_DUE: True,
                                 TOKEN_KEY: logins().issue(account.username, now)})
        st.rerun()
