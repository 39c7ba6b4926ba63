"""Accounts: password hashing, sign-in with throttling, server-side sessions and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.settings import Settings
from app.users.models import ApiToken, LoginAttempt, Role, User, UserSession

_hasher = PasswordHasher()
# Verified when the username is unknown, so that a miss costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("troopwatch-no-such-user")

MIN_PASSWORD_CHARS = 10
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


class AccountError(ValueError):
    """Input that cannot become an account; the message says what to fix."""

    def __init__(self, message: str, *, status_code: int = 422) -> None:
        super().__init__(message)
        self.status_code = status_code


class LoginThrottled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many failed sign-ins. Try again in {retry_after} seconds.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Identity:
    """Who is making a request, and how they proved it."""

    user_id: int
    username: str
    role: Role
    csrf_token: str | None
    via: str  # "session" or "token"
    session_id: int | None = None

    def can(self, role: Role | str) -> bool:
        return self.role.rank >= Role(role).rank


def now() -> datetime:
    return datetime.now(UTC)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalise_username(username: str) -> str:
    return username.strip().lower()


def validate_new_account(username: str, password: str, role: str) -> tuple[str, Role]:
    name = normalise_username(username)
    if not name:
        raise AccountError("The username is empty.")
    if len(name) > 80 or not set(name) <= USERNAME_CHARS:
        raise AccountError(
            "A username has at most 80 characters: lowercase letters, digits, '.', '_' or '-'."
        )
    validate_password(password)
    return name, parse_role(role)


def validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_CHARS} characters.")
    if len(password) > 1000:
        raise AccountError("The password is longer than 1000 characters.")


def parse_role(role: str) -> Role:
    try:
        return Role(role.strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise AccountError(f"The role must be one of {allowed}, not {role!r}.") from None


def count_users(session: Session) -> int:
    return int(session.execute(select(func.count(User.id))).scalar_one())


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.scalars(
        select(User).where(User.username == normalise_username(username))
    ).first()


def get_user_or_raise(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise AccountError(f"There is no user #{user_id}.", status_code=404)
    return user


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    password_hash: str | None = None,
) -> User:
    name, parsed_role = validate_new_account(username, password, role)
    if get_user_by_username(session, name) is not None:
        raise AccountError(f"The username {name!r} is taken.", status_code=409)
    user = User(
        username=name,
        display_name=(display_name or "").strip()[:200] or None,
        password_hash=password_hash or hash_password(password),
        role=parsed_role.value,
        is_active=True,
    )
    session.add(user)
    session.flush()
    return user


def set_role(session: Session, user: User, role: str) -> None:
    user.role = parse_role(role).value


def set_active(session: Session, user: User, active: bool) -> None:
    """Disabling also revokes every session and token, so access stops at once."""
    user.is_active = active
    if not active:
        revoke_all_sessions(session, user.id)
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now())
        )


def revoke_all_sessions(session: Session, user_id: int) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now())
    )


# -- signing in ---------------------------------------------------------------------------------


def _failures_since(
    session: Session, column: InstrumentedAttribute[str], value: str, since: datetime
) -> int:
    stmt = select(func.count(LoginAttempt.id)).where(
        column == value, LoginAttempt.created_at >= since
    )
    return int(session.execute(stmt).scalar_one())


def authenticate(
    session: Session, *, username: str, password: str, address: str, settings: Settings
) -> User | None:
    """The user when the password is right; ``None`` when not (the failure is recorded).

    Raises ``LoginThrottled`` before checking anything once too many failures were recorded for
    this username or this address within the window; the caller commits either way.
    """
    name = normalise_username(username)[:80]
    since = now() - timedelta(seconds=settings.login_window_seconds)
    if (
        _failures_since(session, LoginAttempt.username, name, since) >= settings.login_max_failures
        or _failures_since(session, LoginAttempt.address, address, since)
        >= settings.login_max_failures_per_address
    ):
        raise LoginThrottled(settings.login_window_seconds)
    user = get_user_by_username(session, name)
    valid = check_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.is_active:
        session.add(LoginAttempt(username=name, address=address[:64]))
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == name))
    return user


def start_session(
    session: Session, user: User, *, settings: Settings, user_agent: str | None = None
) -> str:
    """Store a new session for ``user``; return the cookie token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user.id,
            token_hash=hash_token(token),
            csrf_token=secrets.token_urlsafe(32),
            expires_at=now() + timedelta(days=settings.session_days),
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    session.flush()
    return token


def active_sessions(session: Session, user_id: int) -> list[UserSession]:
    return list(
        session.scalars(
            select(UserSession)
            .where(
                UserSession.user_id == user_id,
                UserSession.revoked_at.is_(None),
                UserSession.expires_at > now(),
            )
            .order_by(UserSession.id.desc())
        )
    )


def end_other_sessions(session: Session, *, user_id: int, keep_session_id: int | None) -> None:
    stmt = update(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
    )
    if keep_session_id is not None:
        stmt = stmt.where(UserSession.id != keep_session_id)
    session.execute(stmt.values(revoked_at=now()))


def end_session(session: Session, session_id: int) -> None:
    session.execute(
        update(UserSession).where(UserSession.id == session_id).values(revoked_at=now())
    )


def identity_from_session_token(session: Session, token: str) -> Identity | None:
    row = session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(
            UserSession.token_hash == hash_token(token),
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > now(),
            User.is_active.is_(True),
        )
    ).first()
    if row is None:
        return None
    user_session, user = row
    return Identity(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        csrf_token=user_session.csrf_token,
        via="session",
        session_id=user_session.id,
    )


# -- API tokens ---------------------------------------------------------------------------------

TOKEN_PREFIX = "tw_"  # noqa: S105  # a public marker that tells tokens apart, not a secret


def create_api_token(session: Session, *, user_id: int, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user_id``; the secret is returned once and only its hash is stored."""
    label = name.strip()
    if not label:
        raise AccountError("Give the token a name, e.g. the script that will use it.")
    if len(label) > 100:
        raise AccountError("A token name has at most 100 characters.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user_id, name=label, token_hash=hash_token(secret), prefix=secret[:10])
    session.add(token)
    session.flush()
    return token, secret


def list_api_tokens(session: Session, user_id: int) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
        )
    )


def revoke_api_token(session: Session, *, user_id: int, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise AccountError(f"You have no token #{token_id}.", status_code=404)
    if token.revoked_at is None:
        token.revoked_at = now()


def identity_from_api_token(session: Session, secret: str) -> Identity | None:
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(
            ApiToken.token_hash == hash_token(secret),
            ApiToken.revoked_at.is_(None),
            User.is_active.is_(True),
        )
    ).first()
    if row is None:
        return None
    token, user = row
    token.last_used_at = now()
    return Identity(
        user_id=user.id, username=user.username, role=Role(user.role), csrf_token=None, via="token"
    )
