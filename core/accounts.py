"""Who answers for a client's social accounts: reassigning an owner and a backup.

Where it is recorded: an account reassignment is not something that happened to an incident, so
it is not an incident activity, and the schema has no account history table. Each change is
written to the audit logger (core.audit: `douse.audit` in the rotating log file, once the change
commits) with who, when, and the before/after handles, and returned so the desk can show it.
That log lives on the machine that made the change (a team on PostgreSQL has one log per desk);
incidents keep their own owners, so nothing about past routing is rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from douse.core import audit
from douse.core.db.models import Account, Client, Staff
from douse.core.errors import DouseError, NotFound
from douse.core.incidents.workflow import staff_by_handle


@dataclass(frozen=True)
class AccountChange:
    account_id: int
    client_slug: str
    account: str
    owner_before: str | None
    owner: str
    backup_before: str | None
    backup: str | None
    by: str
    at: datetime

    def describe(self) -> str:
        return (
            f"{self.client_slug} {self.account}: owner {self.owner_before or 'nobody'} -> "
            f"{self.owner}, backup {self.backup_before or 'nobody'} -> {self.backup or 'nobody'}"
        )


def _handle(session: Session, staff_id: int | None) -> str | None:
    person = session.get(Staff, staff_id) if staff_id is not None else None
    return person.handle if person else None


def reassign_account(
    session: Session,
    account_id: int,
    owner: str,
    backup: str | None,
    *,
    by: str,
    now: datetime,
) -> AccountChange:
    """Give an account an owner (required) and a backup (optional); logged to the audit log."""
    actor = staff_by_handle(session, by)
    account = session.get(Account, account_id, populate_existing=True)
    if account is None:
        raise NotFound(f"no account #{account_id}")
    client = session.get(Client, account.client_id)
    assert client is not None
    new_owner = staff_by_handle(session, owner)
    new_backup = staff_by_handle(session, backup) if backup else None
    for person in (new_owner, new_backup):
        if person is not None and not person.active:
            raise DouseError(f"{person.handle} is no longer active")
    if new_backup is not None and new_backup.id == new_owner.id:
        raise DouseError("the backup must be someone other than the owner")
    if account.owner_id == new_owner.id and account.backup_owner_id == (
        new_backup.id if new_backup else None
    ):
        raise DouseError("nothing to change: that is already the owner and backup")
    change = AccountChange(
        account_id=account.id,
        client_slug=client.slug,
        account=f"{account.platform} {account.handle}",
        owner_before=_handle(session, account.owner_id),
        owner=new_owner.handle,
        backup_before=_handle(session, account.backup_owner_id),
        backup=new_backup.handle if new_backup else None,
        by=actor.handle,
        at=now,
    )
    account.owner_id = new_owner.id
    account.backup_owner_id = new_backup.id if new_backup else None
    session.flush()
    audit.record(
        session,
        at=now,
        staff_id=actor.id,
        subject="account",
        subject_id=account.id,
        summary=f"{actor.handle} reassigned {change.describe()}",
    )
    return change
