"""Managing users: list and search, change role, teams and details, deactivate, reset the
password; and a user changing her own password or the language of her pages. Each change is a
use case (telemon.transactions), called alike by the JSON API and the web pages.

An administrator manages the users of her own organisation (a system administrator every
user), never herself through these powers (telemon.access.may_manage_user). Deactivating a user
or resetting her password ends her web sessions and revokes her API tokens at once. Every
change is audited with the fields before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, or_, select

from telemon import access, audit, clock
from telemon.errors import Forbidden, Invalid, NotFound, Unauthorized
from telemon.extensions import db
from telemon.http import paging, sessions
from telemon.i18n import LANGUAGES
from telemon.identity.passwords import temporary_password
from telemon.identity.service import STAFF_ROLES, check_password, set_teams, user_of
from telemon.models import User, care_team_member
from telemon.security import hash_password, verify_password
from telemon.transactions import use_case

# The list's order (telemon.http.paging): active users first, then by when they were created.
_ACTIVE_RANK = case((User.active.is_(True), 1), else_=0)
CURSOR_SHAPE = (int, int)


@dataclass(frozen=True)
class UserFilter:
    search: str | None = None  # part of the username or e-mail address
    role: str | None = None
    organisation_id: int | None = None  # a system administrator's choice; others: their own
    active: bool | None = None
    care_team_id: int | None = None


def user_page(
    actor: User, f: UserFilter, limit: int = 50, after: paging.Key | None = None
) -> paging.Page[User]:
    """The users the actor administers, active first, then oldest first."""
    query = _visible(actor, f).order_by(*paging.order(_ACTIVE_RANK, User.id))
    if after is not None:
        query = query.where(paging.after(after, _ACTIVE_RANK, User.id))
    rows = list(db.session.scalars(query.limit(limit + 1)))
    return paging.page(rows, limit, lambda u: (1 if u.active else 0, u.id))


def _visible(actor: User, f: UserFilter) -> Select[tuple[User]]:
    if actor.role != "admin" or not actor.active:
        raise Forbidden("Only administrators manage users.")
    query = select(User)
    if not actor.is_system_admin:
        query = query.where(User.organisation_id == actor.organisation_id)
    elif f.organisation_id is not None:
        query = query.where(User.organisation_id == f.organisation_id)
    if f.role:
        query = query.where(User.role == f.role)
    if f.active is not None:
        query = query.where(User.active.is_(f.active))
    if f.care_team_id is not None:
        query = query.where(
            User.id.in_(
                select(care_team_member.c.user_id).where(
                    care_team_member.c.care_team_id == f.care_team_id
                )
            )
        )
    if f.search and f.search.strip():
        text = f.search.strip().lower()
        query = query.where(
            or_(
                func.lower(User.username).contains(text, autoescape=True),
                func.lower(User.email).contains(text, autoescape=True),
            )
        )
    return query


def managed_user(actor: User, user_id: int) -> User:
    """The user, if the actor manages her; else 404 (ids cannot be probed)."""
    user = db.session.get(User, user_id)
    if user is None or not access.may_manage_user(actor, user):
        raise NotFound("No such user, or not one you manage.")
    return user


@use_case
def update_user(actor: User, user_id: int, data: dict[str, Any]) -> User:
    """Change role (between staff roles), care teams, e-mail, language, or deactivate
    (active false) / reactivate. A user who becomes an administrator leaves her care teams."""
    user = managed_user(actor, user_id)
    before = user_of(user)
    if "role" in data and data["role"] != user.role:
        if user.role == "patient" or data["role"] not in STAFF_ROLES:
            raise Invalid("A patient's login stays a patient's.", {"role": ["Not for this user."]})
        if user.organisation_id is None and data["role"] != "admin":
            raise Invalid(
                "A system administrator has no organisation.", {"role": ["Only admin here."]}
            )
        user.role = data["role"]
        if user.role == "admin":
            set_teams(user, [])
    if "care_team_ids" in data:
        set_teams(user, data["care_team_ids"])
    for field in ("email", "language"):
        if field in data:
            setattr(user, field, data[field])
    for field in ("full_name", "title"):
        if field in data and user.role != "patient":
            setattr(user, field, (data[field] or "").strip() or None)
    if "active" in data and data["active"] != user.active:
        user.active = data["active"]
        user.deactivated_at = None if user.active else clock.now()
        if not user.active:
            sessions.end_all(user.id)
    after = user_of(user)
    if after != before:
        action = "user.deactivate" if before["active"] and not after["active"] else "user.update"
        audit.record_change(actor, action, "user", user.id, before, after)
    return user


@use_case
def reset_password(actor: User, user_id: int) -> tuple[User, str]:
    """A new temporary password, to be changed at the next sign-in; every session and token of
    the user ends. Returns the user and the password, to hand over once."""
    user = managed_user(actor, user_id)
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    ended = sessions.end_all(user.id)
    audit.record_change(
        actor,
        "user.password_reset",
        "user",
        user.id,
        {"must_change_password": False, "sessions_ended": 0},
        {"must_change_password": True, "sessions_ended": ended},
    )
    return user, password


@use_case
def sign_out_everywhere(actor: User, user_id: int) -> int:
    """End every web session and revoke every API token of a user (e.g. a lost phone)."""
    user = managed_user(actor, user_id)
    ended = sessions.end_all(user.id)
    audit.record_change(
        actor, "user.sign_out", "user", user.id, {"sessions": ended}, {"sessions": 0}
    )
    return ended


@use_case
def change_own_password(user: User | None, current: str, new: str) -> User:
    """The user replaces her password (a temporary one, or her own). The current password must
    be right; the new one must meet the rule and differ. Every session and token of hers ends:
    she signs in again with the new one. Audited as her own action."""
    # verify_password takes as long for an unknown user: names cannot be probed by timing.
    right = verify_password(user.password_hash if user else None, current)
    if user is None or not right or not user.active:
        raise Unauthorized("Wrong username or password.")
    if new == current:
        raise Invalid("Choose a new password.", {"new_password": ["Same as the current one."]})
    check_password(new, [user.username, user.email or ""], field="new_password")
    was_temporary = user.must_change_password
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_changed_at = clock.now()
    sessions.end_all(user.id)
    audit.record_change(
        user,
        "user.password_change",
        "user",
        user.id,
        {"must_change_password": was_temporary},
        {"must_change_password": False},
    )
    return user


@use_case
def choose_language(user: User, language: str) -> None:
    """The language the user's pages are shown in from now on (her own choice: not audited)."""
    if language not in LANGUAGES:
        raise Invalid("Unknown language.", {"language": [f"One of: {', '.join(LANGUAGES)}."]})
    user.language = language


def user_by_name(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))
