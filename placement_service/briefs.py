"""The praktikbrief for one student: which company it is for, and the PDF (the app and ``stu-match brief``)."""

from __future__ import annotations

from features.errors import InputError
from features.network import Network
from placement_service.access import Actor
from placement_service.brief_pdf import brief_pdf_bytes
from placement_service.learning import scoring_for_files
from placement_service.networks import same_files_as
from placement_service.planning import plan_cohort
from placement_service.privacy import brief_for
from placement_service.store import BUILTIN_NETWORK_ID, DecisionStore, database_path


def network_of_files(network: Network) -> tuple[DecisionStore | None, str]:
    """The database and the network these files are a version of ('builtin' when the database does not know)."""
    if not database_path().exists():
        return None, BUILTIN_NETWORK_ID
    store = DecisionStore()
    matches = same_files_as(store, network)
    return store, matches[0].network_id if len(matches) == 1 else BUILTIN_NETWORK_ID


def company_for_brief(store: DecisionStore | None, network_id: str, network: Network, student_id: str) -> str:
    """The student's place in the approved plan in the database, or else in a fresh plan."""
    if student_id not in network.student_position:
        raise InputError(f"Unknown student ID {student_id!r}", f"Ukendt elev-ID {student_id!r}.")
    saved = None if store is None else store.latest_plan(network_id)
    if saved is not None:
        for assignment in saved.assignments:
            if assignment.get("student_id") == student_id and assignment.get("company_id"):
                return str(assignment["company_id"])
    company = plan_cohort(scoring_for_files(network)).mapping().get(student_id)
    if company is None:
        raise InputError(
            f"{student_id} has no place in the approved plan or a fresh plan; give --company",
            f"{student_id} har ingen plads i den godkendte plan eller i en ny plan. Angiv virksomheden med --company.",
        )
    return company


def brief_pdf(network: Network, student_id: str, company_id: str | None, actor: Actor) -> tuple[str, bytes]:
    """(company, PDF bytes) of the praktikbrief; the company defaults to the student's place in a plan."""
    store, network_id = network_of_files(network)
    student_id = student_id.strip()
    company = company_id.strip() if company_id else company_for_brief(store, network_id, network, student_id)
    brief = brief_for(store, network_id, network, student_id, company, actor, builtin=True)
    return company, brief_pdf_bytes(brief, company)
