"""The Netværk page's heatmap: students against places per industry and area, every label readable."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from features.geography import MUNICIPALITIES, REGION_LABELS
from placement_service.network_report import IndustryAreaGap

ALL_REGIONS = "Hele landet"
ROW_HEIGHT = 22  # pixels per municipality: every name gets its own readable line

MEASURES: dict[str, str] = {
    "balance": "Pladser mod efterspørgsel",
    "unplaced": "Elever uden plads",
    "demand": "Efterspørgsel (1. prioritet)",
    "fitting_slots": "Passende pladser",
    "placed": "Placeret i branchen",
}
LEGEND_TITLES: dict[str, str] = {
    "balance": "Pladser minus elever",
    "unplaced": "Antal elever",
    "demand": "Antal elever",
    "fitting_slots": "Antal pladser",
    "placed": "Antal elever",
}
CAPTIONS: dict[str, str] = {
    "balance": (
        "Passende pladser minus elever, der har branchen som første prioritet, i området. "
        "Rød: flere elever end pladser, her mangler netværket virksomheder. "
        "Blå: flere pladser end elever. Hvid: lige mange, eller hverken elever eller pladser."
    ),
    "unplaced": "Elever i området, som planen ikke kan give en plads, efter deres første prioritet. "
    "Hvid: ingen elever uden plads.",
    "demand": "Elever i området med branchen som første prioritet. Hvid: ingen.",
    "fitting_slots": "Pladser i branchen hos virksomheder i området, der opfylder de faste krav for mindst "
    "én elev (inden for elevens transporttid). Hvid: ingen.",
    "placed": "Elever fra området, som planen placerer i branchen. Hvid: ingen.",
}


def chart_rows(rows: Sequence[IndustryAreaGap], level: str, region: str = ALL_REGIONS) -> pd.DataFrame:
    """One row per industry and area at ``level``, with the balance; municipalities of ``region`` only."""
    frame = pd.DataFrame([r.model_dump() for r in rows if r.area_level == level])
    if frame.empty:
        return frame
    frame["balance"] = frame["fitting_slots"] - frame["demand"]
    if level == "municipality":
        frame["region"] = [_region_label(area) for area in frame["area"]]
        if region != ALL_REGIONS:
            frame = frame[frame["region"] == region]
    return frame.reset_index(drop=True)


def _region_label(municipality: str) -> str:
    known = MUNICIPALITIES.get(municipality)
    return REGION_LABELS[known.region] if known is not None else "Ukendt region"


def heatmap(frame: pd.DataFrame, level: str, measure: str) -> alt.Chart:
    """Regions as columns; municipalities as rows (one readable line each), industries as columns."""
    if measure == "balance":
        # Diverging around 0: red where students outnumber places, blue where places are spare.
        limit = max(1, int(frame["balance"].abs().max()))
        scale = alt.Scale(scheme="redblue", domain=[-limit, limit], domainMid=0)
    else:
        scale = alt.Scale(scheme="orangered" if measure == "unplaced" else "blues")
    colour = alt.Color(
        f"{measure}:Q",
        title=LEGEND_TITLES[measure],
        scale=scale,
        legend=alt.Legend(format="d", tickMinStep=1),  # counts: whole numbers only
    )
    industry_axis = alt.Axis(labelLimit=0, labelOverlap=False)
    tooltip = [
        alt.Tooltip("industry_label:N", title="Branche"),
        alt.Tooltip("area:N", title="Område"),
        alt.Tooltip("demand:Q", title="Efterspørgsel"),
        alt.Tooltip("fitting_slots:Q", title="Passende pladser"),
        alt.Tooltip("balance:Q", title="Pladser minus elever"),
        alt.Tooltip("placed:Q", title="Placeret i branchen"),
        alt.Tooltip("placed_elsewhere:Q", title="Placeret i anden branche"),
        alt.Tooltip("unplaced:Q", title="Uden plads"),
    ]
    base = alt.Chart(frame).mark_rect(stroke="#ffffff", strokeWidth=0.5)
    if level == "region":
        encoded = base.encode(
            x=alt.X(
                "area:N",
                title="Region",
                sort="ascending",
                # "Hovedstaden" for "Region Hovedstaden": all five names fit side by side.
                axis=alt.Axis(
                    labelAngle=0,
                    labelLimit=0,
                    labelOverlap=False,
                    labelExpr="replace(datum.label, 'Region ', '')",
                ),
            ),
            y=alt.Y("industry_label:N", title=None, axis=industry_axis),
            color=colour,
            tooltip=tooltip,
        )
        return encoded.properties(height=420)
    areas = frame["area"].nunique()
    encoded = base.encode(
        x=alt.X(
            "industry_label:N",
            title=None,
            axis=alt.Axis(orient="top", labelAngle=-40, labelLimit=0, labelOverlap=False),
        ),
        y=alt.Y(
            "area:N",
            title=None,
            sort=alt.EncodingSortField("area", order="ascending"),
            axis=alt.Axis(labelLimit=0, labelOverlap=False),
        ),
        color=colour,
        tooltip=tooltip,
    )
    return encoded.properties(height=max(200, ROW_HEIGHT * areas))


def render(rows: Sequence[IndustryAreaGap]) -> pd.DataFrame:
    """The section with its choices; returns the rows shown (for the page's Excel download)."""
    st.subheader("Efterspørgsel og udbud pr. branche og område")
    choices = st.columns([1, 3])
    level = choices[0].radio(
        "Område",
        ["region", "municipality"],
        format_func={"region": "Region", "municipality": "Kommune"}.get,
        horizontal=True,
        key="network_level",
    )
    measure = choices[1].radio(
        "Vis", list(MEASURES), format_func=MEASURES.get, horizontal=True, key="network_measure"
    )
    region = ALL_REGIONS
    if level == "municipality":
        regions = sorted({_region_label(r.area) for r in rows if r.area_level == "municipality"})
        region = st.selectbox("Region", [ALL_REGIONS, *regions], key="network_region")
    frame = chart_rows(rows, level, region)
    if frame.empty:
        st.info("Ingen elever i netværket.")
        return frame
    st.altair_chart(heatmap(frame, level, measure), width="stretch")
    st.caption(CAPTIONS[measure])
    return frame


EXPORT_COLUMNS: dict[str, str] = {
    "industry_label": "Branche",
    "area": "Område",
    "region": "Region",
    "demand": "Efterspørgsel (1. prioritet)",
    "fitting_slots": "Passende pladser",
    "balance": "Pladser minus elever",
    "placed": "Placeret i branchen",
    "placed_elsewhere": "Placeret i anden branche",
    "unplaced": "Uden plads",
}


def export_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows shown, with Danish headers, for the Excel download."""
    kept = [column for column in EXPORT_COLUMNS if column in frame.columns]
    return frame[kept].rename(columns=EXPORT_COLUMNS)
