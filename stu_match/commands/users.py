"""``stu-match users``: the local user list (add, list, remove), kept in the application database.

The password is read from standard input (with a hidden prompt when interactive),
never from an argument, and only its argon2 hash is stored.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from features.errors import InputError
from placement_service import DecisionStore, Role, add_user, cli_actor, describe


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "users",
        help="administrer appens lokale brugere (administrator)",
        description="Opret, vis og fjern brugere af appen. Roller: jobkonsulent (skal have --site), "
        "netvaerkskoordinator, administrator. Brugere med --email kan logge ind med organisationens konto "
        "(OIDC); databasen er $STU_MATCH_DB.",
    )
    actions = parser.add_subparsers(
        dest="users_action", required=True, metavar="HANDLING", title="handlinger"
    )
    add = actions.add_parser(
        "add",
        help="opret eller erstat en bruger; adgangskoden læses fra standardinput",
        description="Opretter brugeren, eller erstatter en bruger med samme navn. Adgangskoden læses fra "
        "standardinput (skjult og to gange, når du skriver den selv), aldrig fra kommandolinjen.",
    )
    add.add_argument("name", metavar="NAVN", help="brugerens navn")
    add.add_argument(
        "--role",
        required=True,
        choices=[r.value for r in Role],
        help="brugerens rolle: " + ", ".join(r.value for r in Role),
    )
    add.add_argument(
        "--site", action="append", default=[], metavar="STED", help="STU-stedets ID (kan gentages)"
    )
    add.add_argument("--email", metavar="ADRESSE", help="e-mailadresse til organisationens login")
    add.set_defaults(run=run_add)
    listing = actions.add_parser("list", help="vis brugerne", description="Viser appens brugere.")
    listing.add_argument("--json", action="store_true", help="skriv listen som JSON")
    listing.set_defaults(run=run_list)
    remove = actions.add_parser("remove", help="fjern en bruger", description="Fjerner en bruger.")
    remove.add_argument("name", metavar="NAVN", help="brugerens navn")
    remove.set_defaults(run=run_remove)


def read_password(allow_empty: bool) -> str | None:
    """The new password from standard input; a hidden prompt (asked twice) when interactive."""
    if sys.stdin is not None and sys.stdin.isatty():
        hint = " (tom: kun organisationslogin)" if allow_empty else ""
        first = getpass.getpass(f"Adgangskode{hint}: ")
        if first and getpass.getpass("Gentag adgangskoden: ") != first:
            raise InputError("The two passwords differ", "De to adgangskoder er ikke ens.")
    else:
        first = sys.stdin.readline().rstrip("\r\n") if sys.stdin is not None else ""
    return first or None


def run_add(args: argparse.Namespace) -> int:
    password = read_password(allow_empty=args.email is not None)
    user = add_user(DecisionStore(), args.name, args.role, args.site, args.email, password, cli_actor().name)
    print(f"Brugeren er gemt: {describe(user)}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    users = DecisionStore().users()
    if args.json:
        print(json.dumps([u.model_dump() for u in users], ensure_ascii=False, indent=2))
        return 0
    if not users:
        print("Der er ingen brugere endnu. Opret en med: stu-match users add NAVN --role ROLLE")
    for user in users:
        print(describe(user))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    if not DecisionStore().remove_user(args.name.strip(), cli_actor().name):
        raise InputError(f"No user named {args.name!r}", f"Der er ingen bruger med navnet {args.name!r}.")
    print(f"Brugeren {args.name.strip()} er fjernet.")
    return 0
