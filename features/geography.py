"""Danish municipalities, regions and the pilot's STU sites, with approximate coordinates.

Coordinates are those of each municipality's main town (WGS84, to about a
kilometre). They place synthetic people and companies, and stand in for a
profile's own coordinates when a file leaves them empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class Region(StrEnum):
    NORDJYLLAND = "nordjylland"
    MIDTJYLLAND = "midtjylland"
    SYDDANMARK = "syddanmark"
    SJAELLAND = "sjaelland"
    HOVEDSTADEN = "hovedstaden"


REGION_LABELS: dict[Region, str] = {
    Region.NORDJYLLAND: "Region Nordjylland",
    Region.MIDTJYLLAND: "Region Midtjylland",
    Region.SYDDANMARK: "Region Syddanmark",
    Region.SJAELLAND: "Region Sjælland",
    Region.HOVEDSTADEN: "Region Hovedstaden",
}


@dataclass(frozen=True)
class Municipality:
    name: str
    region: Region
    lat: float
    lon: float


_N, _M, _S, _Z, _H = (
    Region.NORDJYLLAND,
    Region.MIDTJYLLAND,
    Region.SYDDANMARK,
    Region.SJAELLAND,
    Region.HOVEDSTADEN,
)

_MUNICIPALITY_ROWS: tuple[tuple[str, Region, float, float], ...] = (
    # Region Nordjylland
    ("Aalborg", _N, 57.048, 9.919),
    ("Brønderslev", _N, 57.270, 9.941),
    ("Frederikshavn", _N, 57.441, 10.537),
    ("Hjørring", _N, 57.464, 9.983),
    ("Jammerbugt", _N, 57.160, 9.730),
    ("Læsø", _N, 57.265, 11.000),
    ("Mariagerfjord", _N, 56.642, 9.790),
    ("Morsø", _N, 56.795, 8.733),
    ("Rebild", _N, 56.831, 9.830),
    ("Thisted", _N, 56.957, 8.694),
    ("Vesthimmerland", _N, 56.800, 9.370),
    # Region Midtjylland
    ("Aarhus", _M, 56.157, 10.211),
    ("Favrskov", _M, 56.270, 10.060),
    ("Hedensted", _M, 55.770, 9.700),
    ("Herning", _M, 56.139, 8.974),
    ("Holstebro", _M, 56.360, 8.616),
    ("Horsens", _M, 55.861, 9.850),
    ("Ikast-Brande", _M, 56.139, 9.158),
    ("Lemvig", _M, 56.549, 8.310),
    ("Norddjurs", _M, 56.412, 10.887),
    ("Odder", _M, 55.973, 10.153),
    ("Randers", _M, 56.461, 10.036),
    ("Ringkøbing-Skjern", _M, 56.090, 8.244),
    ("Samsø", _M, 55.868, 10.610),
    ("Silkeborg", _M, 56.170, 9.545),
    ("Skanderborg", _M, 56.039, 9.928),
    ("Skive", _M, 56.567, 9.027),
    ("Struer", _M, 56.491, 8.584),
    ("Syddjurs", _M, 56.311, 10.520),
    ("Viborg", _M, 56.451, 9.402),
    # Region Syddanmark
    ("Aabenraa", _S, 55.044, 9.418),
    ("Assens", _S, 55.270, 9.900),
    ("Billund", _S, 55.731, 9.112),
    ("Esbjerg", _S, 55.476, 8.459),
    ("Fanø", _S, 55.420, 8.410),
    ("Fredericia", _S, 55.565, 9.752),
    ("Faaborg-Midtfyn", _S, 55.095, 10.242),
    ("Haderslev", _S, 55.249, 9.488),
    ("Kerteminde", _S, 55.449, 10.657),
    ("Kolding", _S, 55.490, 9.472),
    ("Langeland", _S, 54.938, 10.712),
    ("Middelfart", _S, 55.506, 9.731),
    ("Nordfyn", _S, 55.567, 10.093),
    ("Nyborg", _S, 55.312, 10.790),
    ("Odense", _S, 55.403, 10.388),
    ("Svendborg", _S, 55.060, 10.607),
    ("Sønderborg", _S, 54.909, 9.792),
    ("Tønder", _S, 54.933, 8.866),
    ("Varde", _S, 55.621, 8.481),
    ("Vejen", _S, 55.481, 9.137),
    ("Vejle", _S, 55.709, 9.536),
    ("Ærø", _S, 54.888, 10.412),
    # Region Sjælland
    ("Faxe", _Z, 55.255, 12.119),
    ("Greve", _Z, 55.583, 12.300),
    ("Guldborgsund", _Z, 54.769, 11.874),
    ("Holbæk", _Z, 55.717, 11.713),
    ("Kalundborg", _Z, 55.680, 11.089),
    ("Køge", _Z, 55.457, 12.182),
    ("Lejre", _Z, 55.604, 11.975),
    ("Lolland", _Z, 54.776, 11.497),
    ("Næstved", _Z, 55.230, 11.761),
    ("Odsherred", _Z, 55.925, 11.665),
    ("Ringsted", _Z, 55.443, 11.790),
    ("Roskilde", _Z, 55.642, 12.080),
    ("Slagelse", _Z, 55.402, 11.354),
    ("Solrød", _Z, 55.533, 12.218),
    ("Sorø", _Z, 55.432, 11.556),
    ("Stevns", _Z, 55.310, 12.388),
    ("Vordingborg", _Z, 55.009, 11.911),
    # Region Hovedstaden
    ("Albertslund", _H, 55.657, 12.363),
    ("Allerød", _H, 55.871, 12.357),
    ("Ballerup", _H, 55.732, 12.363),
    ("Bornholm", _H, 55.103, 14.701),
    ("Brøndby", _H, 55.648, 12.418),
    ("Dragør", _H, 55.593, 12.672),
    ("Egedal", _H, 55.768, 12.193),
    ("Fredensborg", _H, 55.976, 12.403),
    ("Frederiksberg", _H, 55.679, 12.534),
    ("Frederikssund", _H, 55.839, 12.069),
    ("Furesø", _H, 55.809, 12.360),
    ("Gentofte", _H, 55.750, 12.550),
    ("Gladsaxe", _H, 55.733, 12.489),
    ("Glostrup", _H, 55.666, 12.400),
    ("Gribskov", _H, 56.020, 12.200),
    ("Halsnæs", _H, 55.967, 12.020),
    ("Helsingør", _H, 56.036, 12.611),
    ("Herlev", _H, 55.724, 12.440),
    ("Hillerød", _H, 55.927, 12.311),
    ("Hvidovre", _H, 55.642, 12.474),
    ("Høje-Taastrup", _H, 55.650, 12.270),
    ("Hørsholm", _H, 55.881, 12.500),
    ("Ishøj", _H, 55.615, 12.352),
    ("København", _H, 55.676, 12.568),
    ("Lyngby-Taarbæk", _H, 55.770, 12.503),
    ("Rudersdal", _H, 55.830, 12.490),
    ("Rødovre", _H, 55.681, 12.452),
    ("Tårnby", _H, 55.630, 12.600),
    ("Vallensbæk", _H, 55.620, 12.380),
)

MUNICIPALITIES: dict[str, Municipality] = {
    name: Municipality(name, region, lat, lon) for name, region, lat, lon in _MUNICIPALITY_ROWS
}

# Approximate inhabitants in thousands (Statistics Denmark, FOLK1A, 2024, rounded): the synthetic
# generator spreads people, companies and extra STU sites as the population is.
POPULATION_THOUSANDS: dict[str, float] = {
    "Aalborg": 222,
    "Brønderslev": 37,
    "Frederikshavn": 59,
    "Hjørring": 64,
    "Jammerbugt": 38,
    "Læsø": 1.7,
    "Mariagerfjord": 42,
    "Morsø": 20,
    "Rebild": 30,
    "Thisted": 43,
    "Vesthimmerland": 37,
    "Aarhus": 367,
    "Favrskov": 50,
    "Hedensted": 47,
    "Herning": 90,
    "Holstebro": 59,
    "Horsens": 98,
    "Ikast-Brande": 42,
    "Lemvig": 19,
    "Norddjurs": 37,
    "Odder": 24,
    "Randers": 99,
    "Ringkøbing-Skjern": 56,
    "Samsø": 3.7,
    "Silkeborg": 100,
    "Skanderborg": 64,
    "Skive": 46,
    "Struer": 21,
    "Syddjurs": 44,
    "Viborg": 98,
    "Aabenraa": 59,
    "Assens": 41,
    "Billund": 27,
    "Esbjerg": 116,
    "Fanø": 3.5,
    "Fredericia": 52,
    "Faaborg-Midtfyn": 52,
    "Haderslev": 56,
    "Kerteminde": 24,
    "Kolding": 95,
    "Langeland": 12,
    "Middelfart": 40,
    "Nordfyn": 30,
    "Nyborg": 32,
    "Odense": 207,
    "Svendborg": 59,
    "Sønderborg": 73,
    "Tønder": 37,
    "Varde": 50,
    "Vejen": 43,
    "Vejle": 121,
    "Ærø": 6,
    "Faxe": 38,
    "Greve": 51,
    "Guldborgsund": 60,
    "Holbæk": 73,
    "Kalundborg": 49,
    "Køge": 62,
    "Lejre": 29,
    "Lolland": 40,
    "Næstved": 84,
    "Odsherred": 33,
    "Ringsted": 36,
    "Roskilde": 90,
    "Slagelse": 80,
    "Solrød": 24,
    "Sorø": 30,
    "Stevns": 24,
    "Vordingborg": 46,
    "Albertslund": 28,
    "Allerød": 26,
    "Ballerup": 52,
    "Bornholm": 39,
    "Brøndby": 36,
    "Dragør": 15,
    "Egedal": 45,
    "Fredensborg": 41,
    "Frederiksberg": 105,
    "Frederikssund": 46,
    "Furesø": 41,
    "Gentofte": 75,
    "Gladsaxe": 70,
    "Glostrup": 24,
    "Gribskov": 41,
    "Halsnæs": 32,
    "Helsingør": 64,
    "Herlev": 30,
    "Hillerød": 53,
    "Hvidovre": 54,
    "Høje-Taastrup": 57,
    "Hørsholm": 25,
    "Ishøj": 24,
    "København": 660,
    "Lyngby-Taarbæk": 57,
    "Rudersdal": 57,
    "Rødovre": 41,
    "Tårnby": 44,
    "Vallensbæk": 17,
}

# Latitude/longitude box that holds all of Denmark, Bornholm included.
DENMARK_LAT = (54.4, 57.9)
DENMARK_LON = (7.9, 15.3)


@dataclass(frozen=True)
class StuSite:
    """One of the pilot's five partnerships: a site, its town and its catchment."""

    site_id: str
    name: str
    town: str
    municipality: str
    lat: float
    lon: float
    catchment: tuple[str, ...]  # home municipalities of its students, nearest first


PILOT_SITES: tuple[StuSite, ...] = (
    StuSite(
        "ev_vestjylland",
        "Erhvervsskolen Vestjylland",
        "Borris",
        "Ringkøbing-Skjern",
        55.956,
        8.637,
        ("Ringkøbing-Skjern", "Herning", "Varde", "Ikast-Brande", "Holstebro", "Lemvig", "Billund"),
    ),
    StuSite(
        "aspit_sonderjylland",
        "AspIT Sønderjylland",
        "Aabenraa",
        "Aabenraa",
        55.044,
        9.418,
        ("Aabenraa", "Sønderborg", "Haderslev", "Tønder", "Vejen", "Esbjerg", "Kolding"),
    ),
    StuSite(
        "lille_vildmose",
        "Lille Vildmose STU",
        "Aalborg",
        "Aalborg",
        56.930,
        10.130,
        ("Aalborg", "Rebild", "Mariagerfjord", "Vesthimmerland", "Jammerbugt", "Brønderslev", "Randers"),
    ),
    StuSite(
        "castberggaard",
        "Castberggård",
        "Urlev",
        "Hedensted",
        55.800,
        9.770,
        ("Hedensted", "Horsens", "Aarhus", "Vejle", "Skanderborg", "Odder", "Fredericia"),
    ),
    StuSite(
        "pmu_sindal",
        "PMU",
        "Sindal",
        "Hjørring",
        57.470,
        10.200,
        ("Hjørring", "Frederikshavn", "Morsø", "Thisted", "Skive", "Læsø", "Struer"),
    ),
)

SITES_BY_ID: dict[str, StuSite] = {site.site_id: site for site in PILOT_SITES}


def region_of(municipality: str) -> Region:
    return MUNICIPALITIES[municipality].region


def haversine_km(
    lat1: np.ndarray | float, lon1: np.ndarray | float, lat2: np.ndarray | float, lon2: np.ndarray | float
) -> np.ndarray:
    """Great-circle distance in km; broadcasts like numpy."""
    earth_radius_km = 6371.0
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return 2 * earth_radius_km * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
