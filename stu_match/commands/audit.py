"""``stu-match audit verify``: check that the audit trail is unbroken (exit 0) or name the first broken row (exit 1)."""

from __future__ import annotations

import argparse

from placement_service import DecisionStore

EXIT_BROKEN = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="check the audit trail (administrator)",
        description="Every audit row carries the hash of the row before it. `verify` recomputes the chain: "
        "exit code 0 when it is intact, 1 naming the first row that was changed or removed.",
    )
    actions = parser.add_subparsers(dest="audit_action", required=True, metavar="ACTION")
    verify = actions.add_parser("verify", help="recompute the hash chain of the audit trail")
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
