"""The instance's own secrets: generated once, on first use, and kept in the database, so that
every worker and every restart signs (and checks) alike."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Connection, select

from workflow.store.access import instance_secret
from workflow.store.dialect import bulk_insert

_c = instance_secret.c


def stored_secret(conn: Connection, name: str, now: datetime) -> tuple[str, bool]:
    """The secret called `name`, and whether it was made just now. Two processes making it at
    once both end up with the one that was stored first."""
    found = conn.execute(select(_c.value).where(_c.name == name)).scalar()
    if found is not None:
        return str(found), False
    made = bulk_insert(
        conn,
        instance_secret,
        [{"name": name, "value": secrets.token_urlsafe(48), "created_at": now}],
        skip_existing=("name",),
        returning=("name",),
    )
    value = conn.execute(select(_c.value).where(_c.name == name)).scalar_one()
    return str(value), bool(made)
