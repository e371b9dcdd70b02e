"""Who is acting, and what each role may do.

Roles are checked here, in the services, never only in the screens: a caller's
terminal that calls a service it should not gets :class:`PermissionDenied`.
"""

from __future__ import annotations

from dataclasses import dataclass

from callcentre.errors import PermissionDenied
from callcentre.i18n import Key

CALLER, SUPERVISOR, ADMIN = "caller", "supervisor", "admin"
ROLES = (CALLER, SUPERVISOR, ADMIN)

#: permission -> roles that hold it
PERMISSIONS: dict[str, frozenset[str]] = {
    # fieldwork of one's own cases
    "queue.work": frozenset({CALLER, SUPERVISOR, ADMIN}),
    # the survey: lists, sample, questionnaires, fieldwork management, results
    "wave.manage": frozenset({SUPERVISOR, ADMIN}),
    "import": frozenset({SUPERVISOR, ADMIN}),
    "files.remove": frozenset({SUPERVISOR, ADMIN}),
    "frame.read": frozenset({SUPERVISOR, ADMIN}),
    "sample.design": frozenset({SUPERVISOR, ADMIN}),
    "sample.draw": frozenset({SUPERVISOR, ADMIN}),
    "sample.release": frozenset({SUPERVISOR, ADMIN}),
    "sample.export": frozenset({SUPERVISOR, ADMIN}),
    "sample.drop": frozenset({SUPERVISOR, ADMIN}),
    "questionnaire.load": frozenset({SUPERVISOR, ADMIN}),
    "queue.manage": frozenset({SUPERVISOR, ADMIN}),
    "work.read_all": frozenset({SUPERVISOR, ADMIN}),
    "audit.read": frozenset({SUPERVISOR, ADMIN}),
    # simulated fieldwork (demo, training, forecasts): simulated caller accounts included
    "fieldwork.simulate": frozenset({SUPERVISOR, ADMIN}),
    # people
    "users.manage": frozenset({ADMIN}),
}


@dataclass(frozen=True)
class Actor:
    """The user on whose behalf a service runs."""

    id: int
    username: str
    role: str
    display_name: str = ""

    @property
    def shown(self) -> str:
        return self.display_name or self.username

    def may(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]


def require(actor: Actor, permission: str) -> None:
    """Raise :class:`PermissionDenied` unless ``actor``'s role holds ``permission``."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if not actor.may(permission):
        raise PermissionDenied("auth.forbidden", user=actor.username,
                               role=Key(f"role.{actor.role}"), action=Key(f"perm.{permission}"))
