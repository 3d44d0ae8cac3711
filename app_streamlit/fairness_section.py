"""The Netværk page's section "Retfærdighed på tværs af grupper": placement and the model's calibration by group."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_streamlit import state
from app_streamlit.labels import number
from app_streamlit.tables import wrapped_table
from placement_service import OpenNetwork
from placement_service.fairness import (
    GROUP_LABELS_DA,
    MAX_GAP,
    MIN_GROUP_SIZE,
    Calibration,
    GroupCalibration,
    GroupPlacement,
    chart_rows,
    value_label,
)

GROUPING_COLUMN = {"Gruppering": st.column_config.TextColumn(width=160)}
"""Wide enough for 'Funktionsnedsættelse'."""

SMALL = f"– (under {MIN_GROUP_SIZE})"
"""Shown instead of a rate for a group too small to read one from."""


def full_height(rows: int) -> int:
    """Pixels for a table to show every row without scrolling (35 px a row, the header included)."""
    return 35 * (rows + 1) + 3


def with_share(count: int, share: float | None) -> str:
    """'27 (96 %)', or the count alone for a small group."""
    return f"{count}" if share is None else f"{count} ({percent(share)})"


def percent(share: float | None, decimals: int = 0) -> str:
    return SMALL if share is None else f"{number(100 * share, decimals)} %"


def placement_table(rows: list[GroupPlacement]) -> pd.DataFrame:
    """One row per group, Danish columns; a small group has its counts and no rates."""
    return pd.DataFrame(
        [
            {
                "Gruppering": GROUP_LABELS_DA[row.group],
                "Gruppe": value_label(row.group, row.value),
                "Elever": row.students,
                "Placeret": with_share(row.placed, row.placed_share),
                "I egne interesser": with_share(row.in_interest, row.in_interest_share),
                "Gns. score": SMALL
                if row.small
                else ("–" if row.mean_score is None else number(row.mean_score, 1)),
                "Ingen passende": row.unplaced_no_eligible,
                "Fuldt besat": row.unplaced_full,
                "Ikke valgt": row.unplaced_other,
            }
            for row in rows
        ]
    )


def calibration_table(rows: list[GroupCalibration]) -> pd.DataFrame:
    """One row per group, Danish columns; a small group has its count and no rate, and is never flagged."""

    def shown(row: GroupCalibration) -> dict[str, object]:
        base: dict[str, object] = {
            "Gruppering": GROUP_LABELS_DA[row.group],
            "Gruppe": value_label(row.group, row.value),
            "Tidligere praktikker": row.n,
        }
        if row.predicted is None or row.observed is None or row.low is None or row.high is None:
            return {
                **base,
                "Forudsagt andel i job": SMALL,
                "Faktisk andel i job": SMALL,
                "95 %-interval (faktisk)": "–",
                "Forskel (procentpoint)": "–",
            }
        gap = 100 * (row.predicted - row.observed)
        return {
            **base,
            "Forudsagt andel i job": percent(row.predicted, 1),
            "Faktisk andel i job": percent(row.observed, 1),
            "95 %-interval (faktisk)": f"{number(100 * row.low, 1)}–{number(100 * row.high, 1)} %",
            "Forskel (procentpoint)": ("+" if gap >= 0 else "−")
            + number(abs(gap), 1)
            + (f" (over {number(100 * MAX_GAP, 0)})" if row.flagged else ""),
        }

    return pd.DataFrame([shown(row) for row in rows])


def placement_chart(frame: pd.DataFrame) -> alt.Chart:
    """Horizontal bars: the placement rate of every group large enough to show one."""
    frame = frame.assign(label=frame["gruppering"] + ": " + frame["gruppe"])
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("placeret_pct:Q", title="Placeret (%)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)),
            color=alt.Color("gruppering:N", title="Gruppering", sort=None),
            tooltip=[
                alt.Tooltip("gruppering:N", title="Gruppering"),
                alt.Tooltip("gruppe:N", title="Gruppe"),
                alt.Tooltip("elever:Q", title="Elever"),
                alt.Tooltip("placeret_tekst:N", title="Placeret"),
            ],
        )
        .properties(height=alt.Step(24))
    )


def _calibration_note(calibration: Calibration) -> str:
    return (
        "Modellen forudsiger sandsynligheden for job af enhver art 12 måneder efter STU (ordinært job, fleksjob, "
        f"løntilskud, småjob). Her er den prøvet af på {number(calibration.placements, 0)} tidligere praktikker: "
        f"hver er forudsagt af en model, der er lært uden den tidligere elev ({calibration.folds} dele), og "
        "sammenlignet med, hvor mange der faktisk fik job. Intervallet er et 95 %-interval for den faktiske "
        f"andel (Wilson). En gruppe markeres med »over {number(100 * MAX_GAP, 0)}« i kolonnen Forskel, når "
        f"forskellen er over {number(100 * MAX_GAP, 0)} procentpoint; "
        f"grupper med under {MIN_GROUP_SIZE} tidligere praktikker vises med antal, uden andele, og markeres aldrig."
    )


def render(opened: OpenNetwork) -> None:
    st.subheader("Retfærdighed på tværs af grupper")
    with st.spinner("Beregner placering og modellens kalibrering pr. gruppe …"):
        report = state.fairness(opened)
    st.caption(
        "Placering pr. gruppe i planen med alle beslutninger, efter STU-sted, køn, alder, funktionsnedsættelse "
        "og transport. En elev med flere slags funktionsnedsættelse tæller med i hver. De tre sidste kolonner er "
        "elever uden plads, efter årsag: *Ingen passende*: ingen virksomhed opfylder elevens faste krav. *Fuldt "
        "besat*: alle passende virksomheder er fuldt besat i planen (pladserne er taget, eller der er ikke "
        "mentortimer nok tilbage). *Ikke valgt*: en passende virksomhed havde plads, men planen valgte den ikke. "
        f"Grupper med under {MIN_GROUP_SIZE} elever vises med antal, uden andele og gennemsnit. Andelen i "
        "egne interesser er af de placerede."
    )
    rows = [row for group_rows in report.placement_by_group.values() for row in group_rows]
    st.dataframe(
        placement_table(rows),
        hide_index=True,
        width="stretch",
        height=full_height(len(rows)),
        column_config=GROUPING_COLUMN,
        key="fairness_placement",
    )

    bars = pd.DataFrame(chart_rows(report.placement_by_group))
    if not bars.empty:
        bars["placeret_tekst"] = [f"{number(v, 1)} %" for v in bars["placeret_pct"]]
        st.markdown("**Andel placeret pr. gruppe**")
        st.altair_chart(placement_chart(bars), width="stretch")
        small = [row for row in rows if row.small]
        if small:
            st.caption(
                f"Grupper med under {MIN_GROUP_SIZE} elever er ikke med i figuren: "
                + ", ".join(f"{value_label(r.group, r.value).lower()} ({r.students})" for r in small)
                + "."
            )

    st.markdown("**Rammer modellen lige godt for alle grupper? (kalibrering)**")
    calibration = report.calibration
    if calibration.reason_da is not None:
        st.info(calibration.reason_da)
        return
    st.caption(_calibration_note(calibration))
    cal_rows = [row for group_rows in calibration.groups.values() for row in group_rows]
    # Seven columns do not fit a laptop screen as a data grid; wrapped, every header and cell shows in full.
    wrapped_table(calibration_table(cal_rows))
    flagged = calibration.flagged
    if flagged:
        st.warning(
            f"Modellens forudsigelse afviger mere end {number(100 * MAX_GAP, 0)} procentpoint fra det faktiske for: "
            + "; ".join(
                f"{GROUP_LABELS_DA[r.group]}: {value_label(r.group, r.value)} (forudsagt "
                f"{percent(r.predicted, 1)}, faktisk {percent(r.observed, 1)})"
                for r in flagged
            )
            + ". Læs modellens sandsynligheder for gruppen med forsigtighed, og lær modellen igen, når der er "
            "flere tidligere praktikker fra gruppen."
        )
    else:
        st.success(
            f"Ingen gruppe med mindst {MIN_GROUP_SIZE} tidligere praktikker ligger mere end "
            f"{number(100 * MAX_GAP, 0)} procentpoint ved siden af."
        )
