"""``stu-match audit verify``: check that the audit trail is unbroken (exit 0) or name the first broken row (exit 1)."""

from __future__ import annotations

import argparse

from placement_service import DecisionStore

EXIT_BROKEN = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="kontrollér revisionssporet (administrator)",
        description="Hver række i revisionssporet bærer en kontrolsum (hash) af rækken før. `verify` regner "
        "kæden efter: afslutningskode 0, når den er intakt, og 1 med den første række, der er ændret eller "
        "fjernet.",
    )
    actions = parser.add_subparsers(
        dest="audit_action", required=True, metavar="HANDLING", title="handlinger"
    )
    verify = actions.add_parser(
        "verify",
        help="regn revisionssporets kæde af kontrolsummer efter",
        description="Regner revisionssporets kæde af kontrolsummer efter.",
    )
    verify.set_defaults(run=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    store = DecisionStore()
    broken = store.verify_audit()
    if broken is not None:
        print(
            f"Revisionssporet er brudt ved række {broken}: rækken er ændret, eller en række før den er fjernet."
        )
        return EXIT_BROKEN
    print(f"Revisionssporet er intakt ({len(store.full_audit_trail(limit=10**9))} rækker).")
    return 0
