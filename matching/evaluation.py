"""How well the scores rank placements: NDCG@5 and precision@5, blended vs rule-only vs random.

Two evaluations (the method is in docs/outcome-model.md):

- ``evaluate_history``: on any data set's history. K-fold by alumnus: the
  model learns from the other folds; held-out placements are grouped by STU
  site and year and ranked by score; relevance is the observed outcome (job or
  fleksjob). Works on real data, but each alumnus has one placement, so it
  ranks placements across students, not companies for a student.
- ``evaluate_ground_truth``: on a freshly generated synthetic network, where
  the true P(a job of any kind) of *every* pair is known (``features.synthetic``'s
  written ground truth). The model learns from the history of 75 % of the
  alumni; for each held-out alumnus all eligible companies are ranked, as a job
  consultant would rank them; gains are the true probabilities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

from features.arrays import CompanyArrays, StudentArrays, network_arrays, student_arrays
from features.danish import count, shown
from features.errors import InputError
from features.limits import danish_number
from features.loading import network_from_tables
from features.network import Network
from features.synthetic import generate
from matching.candidates import pair_minutes, unit_vectors
from matching.config import ScoringConfig
from matching.context import ScoringContext
from matching.outcome_model import OutcomeModel, can_fit, history_pairs, pair_features
from matching.pairs import score_pairs

K = 5
RELEVANT_SHARE = 0.2
"""In the ground-truth evaluation, a company is relevant for precision@5 when its true probability is in the
alumnus's top fifth of eligible companies."""
MIN_CANDIDATES = 6


class RankingMetrics(BaseModel):
    ndcg_at_5: float
    precision_at_5: float
    mean_true_probability_at_5: float | None = None


class ModelFit(BaseModel):
    """Probability quality of the model on held-out placements (observed outcomes)."""

    brier: float
    brier_base_rate: float
    log_loss: float
    roc_auc: float
    roc_auc_rule_score: float
    mean_predicted: float
    observed_rate: float


class HistoryEvaluation(BaseModel):
    method: str
    placements: int
    folds: int
    queries: int
    blended: RankingMetrics
    rule_only: RankingMetrics
    random: RankingMetrics
    model: ModelFit


class GroundTruthEvaluation(BaseModel):
    method: str
    seed: int
    students: int
    companies: int
    alumni: int
    training_placements: int
    held_out_alumni: int
    mean_candidates: float
    blended: RankingMetrics
    rule_only: RankingMetrics
    model_only: RankingMetrics
    random: RankingMetrics
    ideal: RankingMetrics


# --- Ranking metrics ----------------------------------------------------------------------------


def dcg(gains: np.ndarray, k: int = K) -> float:
    top = gains[:k]
    return float(np.sum(top / np.log2(np.arange(2, top.shape[0] + 2))))


def ndcg_at_k(gains_in_ranked_order: np.ndarray, k: int = K) -> float:
    """NDCG@k of one ranked list (gains in the order the list was ranked)."""
    ideal = dcg(np.sort(gains_in_ranked_order)[::-1], k)
    return dcg(gains_in_ranked_order, k) / ideal if ideal > 0 else 0.0


def expected_random(gains: np.ndarray, relevant: np.ndarray, k: int = K) -> tuple[float, float, float]:
    """Exact expectations of NDCG@k, precision@k and mean gain@k for a uniformly random order."""
    n = gains.shape[0]
    top = min(k, n)
    discounts = 1 / np.log2(np.arange(2, top + 2))
    ideal = dcg(np.sort(gains)[::-1], k)
    ndcg = float(gains.mean() * discounts.sum() / ideal) if ideal > 0 else 0.0
    return ndcg, float(relevant.mean() * top / k), float(gains.mean())


def rank(scores: np.ndarray, tie_break: np.ndarray) -> np.ndarray:
    """Positions ordered by score (highest first), ties by ``tie_break`` ascending."""
    return np.lexsort((tie_break, -scores))


# --- Evaluation on the observed history ---------------------------------------------------------


@dataclass(frozen=True)
class HeldOutPredictions:
    """The model's held-out probability for every usable history row (``network.usable_history`` order)."""

    student_ids: tuple[str, ...]
    company_ids: tuple[str, ...]
    predicted: np.ndarray  # (n_rows,) float64: P(a job of any kind), from the model not fitted on the row
    observed: np.ndarray  # (n_rows,) int64: 1 when the outcome was a job of any kind
    folds: int


@dataclass(frozen=True)
class _HistoryFolds:
    students: StudentArrays
    companies: CompanyArrays
    s: np.ndarray
    c: np.ndarray
    y: np.ndarray
    features: np.ndarray
    fold: np.ndarray


def _praktikker(n: int) -> str:
    """'1 praktik', '12 praktikker'."""
    return count(n, "praktik", "praktikker")


def _history_folds(network: Network, folds: int, seed: int) -> _HistoryFolds:
    """The history as pairs with features, each row given a fold by former student (checked to be learnable)."""
    if isinstance(folds, bool) or not isinstance(folds, int) or folds < 2:
        raise InputError(
            f"The 'folds' parameter must be an int in the range [2, inf). Got {folds!r} instead.",
            f"Historikken skal deles i mindst 2 dele ('folds' skal være et helt tal på mindst 2); fik {shown(folds)}.",
        )
    if not network.history:
        raise InputError(
            "The data has no history.csv; the evaluation needs past placements and their outcomes.",
            "Der er ingen history.csv i data; evalueringen kræver tidligere praktikker og deres udfald.",
        )
    students, s, c, y = history_pairs(network)
    if not can_fit(y):
        raise InputError(
            f"The history is too small to learn from: {y.shape[0]} placements, {int(y.sum())} with a job or "
            "fleksjob; at least 40 placements with both outcomes are needed.",
            f"Der er for få tidligere praktikker at lære af: {_praktikker(y.shape[0])}, og "
            f"{danish_number(int(y.sum()))} af dem endte i job eller fleksjob. Der skal være mindst 40 "
            "praktikker, og både nogle, der endte i job, og nogle, der ikke gjorde.",
        )
    _, companies = network_arrays(network)
    minutes = pair_minutes(students, companies, s, c)
    features = pair_features(students, companies, s, c, minutes)
    ids = np.array([p.student_id for p in network.usable_history])
    groups = np.unique(ids, return_inverse=True)[1]
    fold_of_group = np.random.default_rng(seed).permutation(groups.max() + 1) % folds
    return _HistoryFolds(students, companies, s, c, y, features, fold_of_group[groups])


def _fold_model(data: _HistoryFolds, k: int) -> tuple[np.ndarray, OutcomeModel]:
    """Fold ``k``'s held-out rows and the model fitted on the other folds."""
    test = data.fold == k
    if not test.any() or not can_fit(data.y[~test], min_placements=10):
        raise InputError(
            f"Fold {k} of the history cannot be evaluated: too few placements of each outcome.",
            f"Del {k} af historikken kan ikke evalueres: der er for få tidligere praktikker med hvert udfald.",
        )
    return test, OutcomeModel().fit(data.features[~test], data.y[~test])


def held_out_predictions(network: Network, folds: int = 5, seed: int = 0) -> HeldOutPredictions:
    """The model's probability for each history row, fitted without that row's former student.

    The folds and fits are those of ``evaluate_history`` (same ``folds`` and ``seed``), so the
    probabilities are the ones its ``model`` figures are computed from. Raises ``InputError``
    when the history is missing or too small to learn from.
    """
    data = _history_folds(network, folds, seed)
    probability = np.zeros(data.y.shape[0])
    for k in range(folds):
        test, model = _fold_model(data, k)
        probability[test] = model.predict_proba(data.features[test])[:, 1]
    history = network.usable_history
    return HeldOutPredictions(
        student_ids=tuple(p.student_id for p in history),
        company_ids=tuple(p.company_id for p in history),
        predicted=probability,
        observed=data.y.copy(),
        folds=folds,
    )


def evaluate_history(
    network: Network, folds: int = 5, seed: int = 0, config: ScoringConfig | None = None
) -> HistoryEvaluation:
    """K-fold (by alumnus) evaluation on the network's own history, with observed outcomes."""
    config = ScoringConfig() if config is None else config
    data = _history_folds(network, folds, seed)
    students, companies, s, c, y, features = (
        data.students,
        data.companies,
        data.s,
        data.c,
        data.y,
        data.features,
    )

    probability = np.zeros(y.shape[0])
    blended = np.zeros(y.shape[0])
    rule = np.zeros(y.shape[0])
    rows = np.arange(y.shape[0])
    for k in range(folds):
        test, model = _fold_model(data, k)
        probability[test] = model.predict_proba(features[test])[:, 1]
        blended[test] = _scores(network, students, companies, s[test], c[test], config, model)
        rule[test] = _scores(network, students, companies, s[test], c[test], config, None)

    site_of = {s.student_id: s.stu_site for s in (*network.students, *network.alumni)}
    site = np.array([site_of[p.student_id] for p in network.usable_history])
    year = np.array([p.year for p in network.usable_history])
    queries = [rows[(site == a) & (year == b)] for a, b in sorted(set(zip(site, year, strict=True)))]
    queries = [q for q in queries if q.shape[0] >= MIN_CANDIDATES and y[q].any()]
    if not queries:
        raise InputError(
            "No STU site and year has enough held-out placements to rank (6 or more).",
            "Intet STU-sted har i noget år tidligere praktikker nok til at rangordne dem (mindst 6).",
        )

    def metrics(score: np.ndarray) -> RankingMetrics:
        ndcg, precision = [], []
        for q in queries:
            order = q[rank(score[q], q)]
            gains = y[order].astype(float)
            ndcg.append(ndcg_at_k(gains))
            precision.append(float(gains[:K].sum() / K))
        return RankingMetrics(ndcg_at_5=float(np.mean(ndcg)), precision_at_5=float(np.mean(precision)))

    expected = [expected_random(y[q].astype(float), y[q].astype(bool)) for q in queries]
    base_rate = float(y.mean())
    return HistoryEvaluation(
        method="5-fold by alumnus; held-out placements ranked within STU site and year; relevance = observed "
        "any kind of job",
        placements=int(y.shape[0]),
        folds=folds,
        queries=len(queries),
        blended=metrics(blended),
        rule_only=metrics(rule),
        random=RankingMetrics(
            ndcg_at_5=float(np.mean([e[0] for e in expected])),
            precision_at_5=float(np.mean([e[1] for e in expected])),
        ),
        model=ModelFit(
            brier=float(brier_score_loss(y, probability)),
            brier_base_rate=float(brier_score_loss(y, np.full(y.shape[0], base_rate))),
            log_loss=float(log_loss(y, probability)),
            roc_auc=float(roc_auc_score(y, probability)),
            roc_auc_rule_score=float(roc_auc_score(y, rule)),
            mean_predicted=float(probability.mean()),
            observed_rate=base_rate,
        ),
    )


def _scores(
    network: Network,
    students: StudentArrays,
    companies: CompanyArrays,
    s: np.ndarray,
    c: np.ndarray,
    config: ScoringConfig,
    model: OutcomeModel | None,
) -> np.ndarray:
    context = _context(network, students, companies, config, model)
    return score_pairs(context, s, c).score


def _context(
    network: Network,
    students: StudentArrays,
    companies: CompanyArrays,
    config: ScoringConfig,
    model: OutcomeModel | None,
) -> ScoringContext:
    """A scoring context for other students than the cohort (alumni)."""
    return ScoringContext(
        network=network,
        students=students,
        companies=companies,
        student_xyz=unit_vectors(students.lat, students.lon),
        company_xyz=unit_vectors(companies.lat, companies.lon),
        config=config,
        lookup=None,
        model=model,
    )


# --- Evaluation against the synthetic ground truth ----------------------------------------------


@dataclass(frozen=True)
class SyntheticTruth:
    """A generated network with its latent ground truth, for any alumnus-company pair."""

    network: Network
    alumni: object  # features.synthetic._Students
    companies: object  # features.synthetic._Companies
    base: float  # the intercept that calibrates the truth to the pilot's 81 %

    def probability(self, alumnus: np.ndarray, company: np.ndarray) -> np.ndarray:
        """True P(a job of any kind) of aligned (alumnus position, company position) pairs."""
        from features.synthetic import _pair_truth_features, outcome_logit

        out = np.empty(alumnus.shape[0])
        for a in np.unique(alumnus):
            rows = np.flatnonzero(alumnus == a)
            features = _pair_truth_features(_one(self.alumni, a), self.companies, company[rows][None, :])  # type: ignore[arg-type]
            out[rows] = 1 / (1 + np.exp(-(self.base + outcome_logit(**features)[0])))
        return out


def synthetic_truth(n_students: int, n_companies: int, n_alumni: int, seed: int) -> SyntheticTruth:
    """Generate a network and recover its latent ground truth by replaying the generator.

    Uses private parts of ``features.synthetic`` and checks that the replay gives
    exactly the generated history, so a change of the generator cannot go unnoticed.
    """
    from features import synthetic as syn

    generated = generate(n_students, n_companies, seed=seed, n_alumni=n_alumni)
    rng = np.random.default_rng(seed)
    sites = syn._sites_for(n_students, rng)
    syn._students(n_students, sites, rng, prefix="S", exact_pilot_shares=True)
    companies = syn._companies(n_companies, sites, n_students, rng)
    alumni = syn._students(n_alumni, sites, rng, prefix="A", exact_pilot_shares=False)
    history, truth = syn._history(alumni, companies, rng)
    if not history.equals(generated.tables["history"]) or not np.array_equal(
        truth, generated.history_lasting_probability
    ):
        raise RuntimeError("features.synthetic changed: the ground-truth replay no longer matches generate()")
    network = network_from_tables(generated.tables, source=f"synthetic seed {seed}")
    chosen = companies.table["company_id"].to_numpy()  # type: ignore[attr-defined]
    position = {cid: k for k, cid in enumerate(chosen)}
    company_of = np.array([position[p.company_id] for p in network.history])
    features = syn._pair_truth_features(alumni, companies, company_of[:, None])
    logit = syn.outcome_logit(**features)[:, 0]
    base = float(np.median(np.log(truth / (1 - truth)) - logit))
    return SyntheticTruth(network=network, alumni=alumni, companies=companies, base=base)


def evaluate_ground_truth(
    n_students: int = 140,
    n_companies: int = 220,
    n_alumni: int = 1500,
    seed: int = 7,
    config: ScoringConfig | None = None,
    held_out_share: float = 0.25,
) -> GroundTruthEvaluation:
    """Rank all eligible companies for held-out alumni of a fresh synthetic network against the true probabilities."""
    config = ScoringConfig() if config is None else config
    truth = synthetic_truth(n_students, n_companies, n_alumni, seed)
    network = truth.network
    alumni_arrays = student_arrays(network.alumni)
    _, companies = network_arrays(network)
    history_students, s_hist, c_hist, y = history_pairs(network)
    alumni_position = {a.student_id: k for k, a in enumerate(network.alumni)}
    row_alumnus = np.array([alumni_position[p.student_id] for p in network.usable_history])
    held_out = np.random.default_rng(seed).random(len(network.alumni)) < held_out_share
    train = ~held_out[row_alumnus]
    minutes = pair_minutes(history_students, companies, s_hist, c_hist)
    features = pair_features(history_students, companies, s_hist, c_hist, minutes)
    model = OutcomeModel().fit(features[train], y[train])

    test_alumni = np.flatnonzero(held_out)
    m = companies.n
    a = np.repeat(test_alumni, m)
    c = np.tile(np.arange(m), test_alumni.shape[0])
    blended = score_pairs(_context(network, alumni_arrays, companies, config, model), a, c)
    rule = score_pairs(_context(network, alumni_arrays, companies, config, None), a, c)
    eligible = blended.eligible
    a, c = a[eligible], c[eligible]
    scores = {
        "blended": blended.score[eligible],
        "rule_only": rule.score[eligible],
        "model_only": blended.outcome_probability[eligible],  # type: ignore[index]
    }
    gains = truth.probability(a, c)

    per_query: dict[str, list[tuple[float, float, float]]] = {
        name: [] for name in (*scores, "random", "ideal")
    }
    sizes = []
    for alumnus in test_alumni:
        q = np.flatnonzero(a == alumnus)
        if q.shape[0] < MIN_CANDIDATES:
            continue
        sizes.append(q.shape[0])
        g = gains[q]
        cut = np.sort(g)[::-1][max(math.ceil(RELEVANT_SHARE * q.shape[0]), 1) - 1]
        relevant = g >= cut
        for name, score in scores.items():
            order = rank(score[q], c[q])
            per_query[name].append((ndcg_at_k(g[order]), relevant[order][:K].mean(), g[order][:K].mean()))
        ideal = np.argsort(-g, kind="stable")
        per_query["ideal"].append((1.0, relevant[ideal][:K].mean(), g[ideal][:K].mean()))
        per_query["random"].append(expected_random(g, relevant))
    if not sizes:
        raise InputError(
            "No held-out alumnus has 6 or more eligible companies; use a larger network.",
            "Ingen tidligere elev har 6 eller flere virksomheder, der opfylder elevens faste krav; "
            "brug et større netværk.",
        )

    def summary(name: str) -> RankingMetrics:
        values = np.array(per_query[name])
        return RankingMetrics(
            ndcg_at_5=float(values[:, 0].mean()),
            precision_at_5=float(values[:, 1].mean()),
            mean_true_probability_at_5=float(values[:, 2].mean()),
        )

    return GroundTruthEvaluation(
        method="fresh synthetic network; model trained on 75 % of the alumni's history; for each held-out "
        "alumnus all eligible companies ranked; gains = true P(a job of any kind); relevant = top fifth",
        seed=seed,
        students=n_students,
        companies=n_companies,
        alumni=n_alumni,
        training_placements=int(train.sum()),
        held_out_alumni=len(sizes),
        mean_candidates=float(np.mean(sizes)),
        blended=summary("blended"),
        rule_only=summary("rule_only"),
        model_only=summary("model_only"),
        random=summary("random"),
        ideal=summary("ideal"),
    )


def _one(students: object, position: int) -> object:
    """The synthetic student record of one alumnus (every per-student field sliced to one row)."""
    from dataclasses import fields, replace

    sliced = {}
    for f in fields(students):  # type: ignore[arg-type]
        value = getattr(students, f.name)
        if isinstance(value, np.ndarray | list):
            sliced[f.name] = value[position : position + 1]
    return replace(students, **sliced)  # type: ignore[type-var]
