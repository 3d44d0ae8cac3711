"""The top bar: the consultant's daily pages first, the rest in two menus.

Ten pages do not fit the top bar of a laptop screen; Streamlit then folds the
last ones into an English "2 more". Two Danish menus keep every page in reach.
"""

from __future__ import annotations

DAILY_PAGES = ("Oversigt", "Elever", "Placeringsplan", "Forløb")
MENUS: dict[str, tuple[str, ...]] = {
    "Netværk og virksomheder": ("Netværk", "Virksomheder", "Scenarier"),
    "Styring og data": ("Styregruppe", "Data", "Administration"),
}


def menu_of(title: str) -> str | None:
    """The menu that holds the page ``title``, or None for a page shown directly in the top bar."""
    return next((menu for menu, titles in MENUS.items() if title in titles), None)


NETWORK_MENU, STEERING_MENU = MENUS
