"""Accounts: users with roles, argon2id passwords, lock-out, log-in tokens.

How a person is identified (:func:`identify` for the command line, :func:`log_in`
for the TUI):

- user name and password, checked against an argon2id hash; five failed log-ins
  in a row lock the account for :data:`LOCKOUT`;
- a token from ``callcentre login``, valid for :data:`TOKEN_LIFETIME`; only its
  SHA-256 is stored, so a copy of the database does not log anyone in;
- the operating-system account mapped to a user (``users add --os-account``): on
  the machine that holds a SQLite file, whoever may write the file is trusted
  with it anyway. A database without any user gets its first administrator this
  way, mapped to the OS account that ran the first command (said on screen and
  audited), so a fresh install needs no set-up step.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from callcentre.db.engine import begin_write, writing
from callcentre.db.models.accounts import AuthToken, UserAccount
from callcentre.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from callcentre.services.actor import ROLES, Actor, require
from callcentre.services.audit import record

MAX_FAILED = 5
LOCKOUT = timedelta(minutes=15)
TOKEN_LIFETIME = timedelta(hours=10)
MIN_PASSWORD = 8

_hasher = PasswordHasher()  # argon2id, the library's (RFC 9106) defaults


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; they are UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def actor_of(user: UserAccount) -> Actor:
    return Actor(id=int(user.id or 0), username=user.username, role=user.role,
                 display_name=user.display_name)


def _public(user: UserAccount) -> dict[str, object]:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "os_account": user.os_account, "active": user.active,
            "refusal_converter": user.refusal_converter}


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("users.password_short", n=MIN_PASSWORD)


def _get(session: Session, username: str) -> UserAccount:
    user = session.exec(select(UserAccount).where(UserAccount.username == username)).first()
    if user is None:
        raise NotFound("users.unknown", user=username)
    return user


def _insert_user(session: Session, *, username: str, role: str, password: str | None,
                 display_name: str, os_account: str | None,
                 refusal_converter: bool) -> UserAccount:
    username = username.strip()
    if not username or len(username) > 64:
        raise InvalidInput("users.bad_name", user=username)
    if role not in ROLES:
        raise InvalidInput("users.bad_role", role=role, roles="、".join(ROLES))
    if password is not None:
        _check_password(password)
    if session.exec(select(UserAccount).where(UserAccount.username == username)).first():
        raise Conflict("users.exists", user=username)
    if os_account and session.exec(
            select(UserAccount).where(UserAccount.os_account == os_account)).first():
        raise Conflict("users.os_account_taken", os_account=os_account)
    user = UserAccount(username=username, role=role, display_name=display_name,
                       os_account=os_account or None, refusal_converter=refusal_converter,
                       password_hash=_hasher.hash(password) if password else "")
    session.add(user)
    session.flush()
    return user


def create_user(*, session: Session, actor: Actor, username: str, role: str,
                password: str | None, display_name: str = "", os_account: str | None = None,
                refusal_converter: bool = False) -> Actor:
    """Add a user (admins only). Without a password the user can log in only
    through the mapped OS account."""
    require(actor, "users.manage")
    with writing(session):
        user = _insert_user(session, username=username, role=role, password=password,
                            display_name=display_name, os_account=os_account,
                            refusal_converter=refusal_converter)
        record(session, actor=actor, action="users.add", object_type="user",
               object_id=user.username, after=_public(user))
    return actor_of(user)


@dataclass(frozen=True)
class UserRow:
    username: str
    display_name: str
    role: str
    os_account: str | None
    active: bool
    locked: bool
    last_login_at: datetime | None


SIMULATED_PREFIX = "sim"


def simulated_callers(*, session: Session, actor: Actor, count: int) -> list[Actor]:
    """The simulator's callers ``sim01`` … ``simNN``, created on first use (audited as
    ``users.add_simulated``): callers without a password, so nobody can log in as one;
    ``sim01`` converts refusals. An existing account of that name that is not such a
    caller (another role, or one with a password) is refused, never taken over."""
    require(actor, "fieldwork.simulate")
    if not 1 <= count <= 99:
        raise InvalidInput("simulate.bad_callers", n=count)
    names = [f"{SIMULATED_PREFIX}{i:02d}" for i in range(1, count + 1)]
    with writing(session):
        found = {u.username: u for u in session.exec(
            select(UserAccount).where(col(UserAccount.username).in_(names))).all()}
        out = []
        for i, name in enumerate(names):
            user = found.get(name)
            if user is None:
                user = _insert_user(session, username=name, role="caller", password=None,
                                    display_name=f"模拟调研员{i + 1:02d}", os_account=None,
                                    refusal_converter=i == 0)
                record(session, actor=actor, action="users.add_simulated", object_type="user",
                       object_id=name, after=_public(user))
            elif user.role != "caller" or user.password_hash or user.os_account:
                raise Conflict("simulate.name_taken", user=name)
            elif not user.active:
                raise Conflict("simulate.caller_inactive", user=name)
            out.append(actor_of(user))
    return out


def list_users(*, session: Session, actor: Actor) -> list[UserRow]:
    require(actor, "users.manage")
    now = _now()
    return [UserRow(u.username, u.display_name, u.role, u.os_account, u.active,
                    bool(u.locked_until and _aware(u.locked_until) > now),  # type: ignore[operator]
                    _aware(u.last_login_at))
            for u in session.exec(select(UserAccount).order_by(col(UserAccount.id))).all()]


def set_active(*, session: Session, actor: Actor, username: str, active: bool) -> None:
    """Disable (or enable again) a user; a disabled user cannot log in."""
    require(actor, "users.manage")
    if not active and username == actor.username:
        raise Conflict("users.cannot_disable_self")
    with writing(session):
        user = _get(session, username)
        before = _public(user)
        user.active = active
        session.add(user)
        # a disabled user's open log-ins end now
        if not active:
            for tok in session.exec(select(AuthToken).where(AuthToken.user_id == user.id)).all():
                session.delete(tok)
        record(session, actor=actor, action="users.enable" if active else "users.disable",
               object_type="user", object_id=username, before=before, after=_public(user))


def set_password(*, session: Session, actor: Actor, username: str, password: str) -> None:
    """Admins set anyone's password; everyone may set their own."""
    if username != actor.username:
        require(actor, "users.manage")
    _check_password(password)
    with writing(session):
        user = _get(session, username)
        user.password_hash = _hasher.hash(password)
        user.failed_logins = 0
        user.locked_until = None
        session.add(user)
        record(session, actor=actor, action="users.passwd", object_type="user",
               object_id=username)


def log_in(*, session: Session, username: str, password: str) -> Actor:
    """Check a password; count failures and lock after :data:`MAX_FAILED`.

    Every attempt is audited (``auth.login`` or ``auth.login_failed``). The same
    message is given for an unknown user and a wrong password.
    """
    begin_write(session)
    try:
        user = session.exec(select(UserAccount).where(UserAccount.username == username)).first()
        now = _now()
        if user is None or not user.active:
            record(session, actor=None, action="auth.login_failed", object_type="user",
                   object_id=username, after={"reason": "unknown" if user is None else "disabled"})
            session.commit()
            raise NotAuthenticated("auth.bad_credentials")
        locked = _aware(user.locked_until)
        if locked is not None and locked > now:
            record(session, actor=None, action="auth.login_failed", object_type="user",
                   object_id=username, after={"reason": "locked"})
            session.commit()
            raise NotAuthenticated("auth.locked", minutes=max(1, int(
                (locked - now).total_seconds() // 60) + 1))
        try:
            ok = bool(user.password_hash) and _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILED:
                user.locked_until = now + LOCKOUT
                user.failed_logins = 0
            session.add(user)
            record(session, actor=None, action="auth.login_failed", object_type="user",
                   object_id=username, after={"reason": "password",
                                              "locked": user.locked_until is not None})
            session.commit()
            raise NotAuthenticated("auth.bad_credentials")
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        session.add(user)
        actor = actor_of(user)
        record(session, actor=actor, action="auth.login", object_type="user",
               object_id=username)
        session.commit()
        return actor
    except BaseException:
        session.rollback()
        raise


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, session: Session, actor: Actor,
                lifetime: timedelta = TOKEN_LIFETIME) -> str:
    """A new log-in token for ``actor`` (after :func:`log_in`); returns the secret."""
    token = secrets.token_urlsafe(32)
    with writing(session):
        session.add(AuthToken(user_id=actor.id, token_hash=_token_hash(token),
                              expires_at=_now() + lifetime))
    return token


def actor_for_token(*, session: Session, token: str) -> Actor | None:
    """The active user a valid, unexpired token belongs to, else None."""
    row = session.exec(select(AuthToken, UserAccount)
                       .join(UserAccount, col(UserAccount.id) == AuthToken.user_id)
                       .where(AuthToken.token_hash == _token_hash(token))).first()
    if row is None:
        return None
    tok, user = row
    expires = _aware(tok.expires_at)
    if not user.active or expires is None or expires <= _now():
        return None
    return actor_of(user)


def revoke_token(*, session: Session, token: str) -> None:
    with writing(session):
        for tok in session.exec(select(AuthToken).where(
                AuthToken.token_hash == _token_hash(token))).all():
            session.delete(tok)


@dataclass(frozen=True)
class Identity:
    actor: Actor
    #: True when this call created the database's first administrator
    created_first_admin: bool = False


def actor_for_os_account(*, session: Session, os_account: str) -> Identity | None:
    """The active user mapped to ``os_account``; on a database without any user,
    its first administrator, created now and mapped to ``os_account``."""
    user = session.exec(select(UserAccount).where(UserAccount.os_account == os_account)).first()
    if user is not None:
        return Identity(actor_of(user)) if user.active else None
    if session.exec(select(func.count()).select_from(UserAccount)).one():
        return None
    session.rollback()  # end the read; the write takes the lock from its start
    begin_write(session)
    try:
        if session.exec(select(func.count()).select_from(UserAccount)).one():
            session.rollback()  # another terminal was first
            return actor_for_os_account(session=session, os_account=os_account)
        user = _insert_user(session, username=os_account, role="admin", password=None,
                            display_name=os_account, os_account=os_account,
                            refusal_converter=False)
        actor = actor_of(user)
        record(session, actor=actor, action="users.first_admin", object_type="user",
               object_id=user.username, after=_public(user))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return Identity(actor, created_first_admin=True)


def get_actor(*, session: Session, username: str) -> Actor:
    """An active user by name (for tests and the system's own jobs)."""
    user = _get(session, username)
    if not user.active:
        raise NotAuthenticated("auth.bad_credentials")
    return actor_of(user)
