"""Users: the local user list with hashed passwords, and turning a login into an ``Actor``.

Passwords are hashed with argon2id (argon2-cffi's defaults); the hash is all the
store keeps. Users who log in with their organisation's account (OIDC) get their
role and sites from this same list, matched by e-mail address.
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from features.errors import InputError
from placement_service.access import ROLE_LABELS, Actor, Role
from placement_service.store import DecisionStore, StoredUser

MIN_PASSWORD_LENGTH = 10
_NAME = re.compile(r"^[\w][\w .@'-]{0,79}$")
_SITE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,}$")
_HASHER = PasswordHasher()


def role_of(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InputError(
            f"Unknown role {text!r}; allowed: {allowed}", f"Ukendt rolle {text!r}; tilladt: {allowed}"
        ) from None


def add_user(
    store: DecisionStore,
    name: str,
    role: str,
    sites: Iterable[str],
    email: str | None,
    password: str | None,
    by: str,
) -> StoredUser:
    """Add (or replace) a user. A job consultant needs at least one site; a password or an e-mail is needed."""
    name = name.strip()
    if not _NAME.match(name):
        raise InputError(
            f"A user name must be 1-80 letters, digits, spaces or . @ ' -; got {name!r}",
            f"Et brugernavn skal være 1-80 bogstaver, tal, mellemrum eller . @ ' -; fik {name!r}",
        )
    parsed_role = role_of(role)
    site_list = sorted({s.strip() for s in sites if s.strip()})
    bad = [s for s in site_list if not _SITE.match(s)]
    if bad:
        raise InputError(f"Not a site ID: {', '.join(bad)}", f"Ikke et STU-steds ID: {', '.join(bad)}")
    if parsed_role == Role.JOBKONSULENT and not site_list:
        raise InputError(
            "A jobkonsulent needs at least one --site (the STU sites whose students they serve)",
            "En jobkonsulent skal have mindst ét STU-sted (--site).",
        )
    if email is not None:
        email = email.strip()
        if not _EMAIL.match(email):
            raise InputError(f"Not an e-mail address: {email!r}", f"Ikke en e-mailadresse: {email!r}")
    if password is None and email is None:
        raise InputError(
            "A user needs a password (local login) or an --email (organisation login), or both",
            "En bruger skal have en adgangskode eller en e-mailadresse (eller begge).",
        )
    password_hash = None
    if password is not None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise InputError(
                f"The password must be at least {MIN_PASSWORD_LENGTH} characters",
                f"Adgangskoden skal være mindst {MIN_PASSWORD_LENGTH} tegn.",
            )
        password_hash = _HASHER.hash(password)
    store.put_user(name, parsed_role.value, site_list, email, password_hash, by)
    found = store.user_secret(name)
    assert found is not None
    return found[0]


def log_in(store: DecisionStore, name: str, password: str) -> Actor | None:
    """The actor for a correct local name and password; None otherwise (which of the two is not said)."""
    found = store.user_secret(name.strip())
    if found is None:
        _HASHER.hash(password)  # spend the same time as a real check, so names cannot be probed
        return None
    user, password_hash = found
    if password_hash is None:
        return None
    try:
        _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _HASHER.check_needs_rehash(password_hash):
        store.set_password_hash(user.name, _HASHER.hash(password))
    return actor_of(user, via="local")


def actor_for_email(store: DecisionStore, email: str) -> Actor | None:
    """The actor of an organisation login, by the e-mail address in the user list; None if not listed."""
    user = store.user_by_email(email)
    return None if user is None else actor_of(user, via="oidc")


def actor_of(user: StoredUser, via: str) -> Actor:
    return Actor(name=user.name, role=Role(user.role), sites=frozenset(user.sites), via=via)


def cli_actor() -> Actor:
    """The command line acts as a local administrator under the operating system's user name."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "cli"
    return Actor(name=name, role=Role.ADMINISTRATOR, via="cli")


def system_actor() -> Actor:
    """The app itself, for the work it does on its own (retention at start-up)."""
    return Actor(name="system", role=Role.ADMINISTRATOR, via="system")


def describe(user: StoredUser) -> str:
    role = ROLE_LABELS.get(Role(user.role), user.role)
    sites = f", STU-steder: {', '.join(user.sites)}" if user.sites else ""
    email = f", e-mail: {user.email}" if user.email else ""
    login = "adgangskode" if user.has_password else "kun organisationslogin"
    return f"{user.name}: {role.lower()}{sites}{email} ({login})"
