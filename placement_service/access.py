"""Who may see and do what: roles per STU site, enforced here in the service layer, not by hiding pages.

- ``jobkonsulent``: the students of their own STU site(s), with full profiles;
  decisions for those students only.
- ``netvaerkskoordinator``: companies, aggregated demand, gaps and recommendations;
  no single student's impairments, stress reactions or support levels.
- ``administrator``: users, sites, retention and the audit trail.

The built-in synthetic network can be explored without logging in, as a *demo*
actor that sees everything there (it is synthetic) but can decide and save nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from features.errors import InputError


class Role(StrEnum):
    JOBKONSULENT = "jobkonsulent"
    NETVAERKSKOORDINATOR = "netvaerkskoordinator"
    ADMINISTRATOR = "administrator"


ROLE_LABELS: dict[Role, str] = {
    Role.JOBKONSULENT: "Jobkonsulent",
    Role.NETVAERKSKOORDINATOR: "Netværkskoordinator",
    Role.ADMINISTRATOR: "Administrator",
}


class AccessDeniedError(InputError):
    """The actor may not see or do this; nothing was shown or written."""


@dataclass(frozen=True)
class Actor:
    """The person acting, as the service sees them: a name, a role and the STU sites they serve.

    ``via``: how they came in — ``local`` (password), ``oidc`` (organisation login),
    ``cli`` (the command line, as the operating system's user) or ``demo``.
    """

    name: str
    role: Role | None
    sites: frozenset[str] = field(default_factory=frozenset)
    via: str = "local"

    @property
    def is_demo(self) -> bool:
        return self.via == "demo"

    @property
    def label(self) -> str:
        if self.is_demo:
            return "Demo (ikke logget ind)"
        role = ROLE_LABELS[self.role] if self.role else "uden rolle"
        return f"{self.name} · {role.lower()}"


DEMO = Actor(name="demo", role=None, via="demo")


def demo_actor() -> Actor:
    return DEMO


def may_see_student_details(actor: Actor, stu_site: str, *, builtin: bool) -> bool:
    """A student's full profile (impairments, stress reactions, support): their own site's consultant.

    On the built-in synthetic network a demo visitor may look too: the data are made up.
    """
    if actor.is_demo:
        return builtin
    return actor.role == Role.JOBKONSULENT and stu_site in actor.sites


def may_see_network(actor: Actor, *, builtin: bool) -> bool:
    """Companies, aggregated demand, gaps: consultants and coordinators (demo: built-in only)."""
    if actor.is_demo:
        return builtin
    return actor.role in (Role.JOBKONSULENT, Role.NETVAERKSKOORDINATOR)


def may_see_plan(actor: Actor, *, builtin: bool) -> bool:
    """The cohort plan: job consultants (their own students' rows) and demo on the built-in network."""
    if actor.is_demo:
        return builtin
    return actor.role == Role.JOBKONSULENT


def require_login(actor: Actor, what: str, what_da: str) -> None:
    if actor.is_demo or actor.role is None:
        raise AccessDeniedError(
            f"Log in to {what}", f"Log ind for at {what_da}. Den indbyggede demo kan kun udforskes."
        )


def require_role(actor: Actor, roles: Iterable[Role], what: str, what_da: str) -> None:
    require_login(actor, what, what_da)
    allowed = tuple(roles)
    if actor.role not in allowed:
        names = ", ".join(ROLE_LABELS[r].lower() for r in allowed)
        raise AccessDeniedError(
            f"Only {', '.join(allowed)} may {what}; {actor.name} is {actor.role}",
            f"Kun {names} må {what_da}.",
        )


def require_students(actor: Actor, student_sites: dict[str, str], what: str, what_da: str) -> None:
    """The actor must be the job consultant of every named student's site."""
    require_role(actor, (Role.JOBKONSULENT,), what, what_da)
    foreign = sorted(s for s, site in student_sites.items() if site not in actor.sites)
    if foreign:
        shown = ", ".join(foreign[:10]) + (" …" if len(foreign) > 10 else "")
        raise AccessDeniedError(
            f"{actor.name} may {what} only for students of their own STU site(s); not for {shown}",
            f"Du kan kun {what_da} for elever på dit eget STU-sted; ikke for {shown}.",
        )


def students_in_view(actor: Actor, student_sites: dict[str, str], *, builtin: bool) -> set[str] | None:
    """The students whose rows (plan, decisions, unplaced) the actor sees: None for every student.

    The demo sees every student of the built-in synthetic network; a job consultant the
    students of their own sites; anyone else none.
    """
    if actor.is_demo:
        return None if builtin else set()
    if actor.role != Role.JOBKONSULENT:
        return set()
    return {s for s, site in student_sites.items() if site in actor.sites}
