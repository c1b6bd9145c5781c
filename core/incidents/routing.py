"""Who answers: the owner of the account a mention concerns, else the client's default owner;
the backup steps in while the owner is away."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from douse.core.db.models import Account, Client, Staff

_AT_HANDLE = re.compile(r"(?<![\w@])@([A-Za-z0-9_.]+(?:@[A-Za-z0-9_.-]+)?)")


@dataclass(frozen=True)
class Route:
    owner_id: int | None
    account_id: int | None
    reason: str


@dataclass(frozen=True)
class UnownedAccount:
    client_slug: str
    platform: str
    handle: str
    problem: str


def _bare(handle: str) -> str:
    return handle.strip().lstrip("@").split("@")[0].lower()


def find_account(
    accounts: Sequence[Account], account_id: int | None, platform: str, text: str
) -> Account | None:
    """The mention's own account, else a client account @mentioned in the text (same platform
    preferred)."""
    if account_id is not None:
        for account in accounts:
            if account.id == account_id:
                return account
    mentioned = {_bare(m.group(1)) for m in _AT_HANDLE.finditer(text)}
    if not mentioned:
        return None
    candidates = [a for a in accounts if not a.archived and _bare(a.handle) in mentioned]
    candidates.sort(key=lambda a: (a.platform != platform, a.id))
    return candidates[0] if candidates else None


def _available(staff_id: int | None, staff: Mapping[int, Staff]) -> bool:
    person = staff.get(staff_id) if staff_id is not None else None
    return person is not None and person.active and not person.away


def pick_owner(
    primary: int | None, backup: int | None, staff: Mapping[int, Staff], what: str
) -> Route | None:
    if _available(primary, staff):
        return Route(primary, None, f"owner of {what}")
    if primary is not None and _available(backup, staff):
        return Route(backup, None, f"backup of {what} (owner away)")
    return None


def route(
    client: Client,
    accounts: Sequence[Account],
    staff: Mapping[int, Staff],
    *,
    account_id: int | None,
    platform: str,
    text: str,
) -> Route:
    account = find_account(accounts, account_id, platform, text)
    if account is not None:
        what = f"{account.platform} account {account.handle}"
        chosen = pick_owner(account.owner_id, account.backup_owner_id, staff, what)
        if chosen is not None:
            return Route(chosen.owner_id, account.id, chosen.reason)
    default = client.default_owner_id
    if default is not None:
        reason = "client's default owner"
        if account is not None:
            reason += f" ({account.platform} account {account.handle} has no available owner)"
        return Route(default, account.id if account else None, reason)
    return Route(None, account.id if account else None, "nobody: client has no default owner")


def staff_map(session: Session) -> dict[int, Staff]:
    return {s.id: s for s in session.scalars(select(Staff))}


def unowned_accounts(session: Session) -> list[UnownedAccount]:
    """Accounts of active clients with no owner, or whose owner and backup are both unavailable."""
    owner = aliased(Staff)
    backup = aliased(Staff)
    rows = session.execute(
        select(Client.slug, Account.platform, Account.handle, owner, backup)
        .join(Client, Client.id == Account.client_id)
        .outerjoin(owner, owner.id == Account.owner_id)
        .outerjoin(backup, backup.id == Account.backup_owner_id)
        .where(Client.archived.is_(False), Account.archived.is_(False))
        .where(
            or_(
                Account.owner_id.is_(None),
                owner.active.is_(False),
                owner.away.is_(True),
            )
        )
        .order_by(Client.slug, Account.platform, Account.handle)
    ).all()
    result = []
    for slug, platform, handle, own, bak in rows:
        if own is None:
            problem = "no owner"
        elif not own.active:
            problem = f"owner {own.handle} is no longer active"
        elif bak is None or not bak.active or bak.away:
            problem = f"owner {own.handle} is away and there is no available backup"
        else:
            continue  # the owner is away but the backup covers: not a problem
        result.append(UnownedAccount(slug, platform, handle, problem))
    return result
