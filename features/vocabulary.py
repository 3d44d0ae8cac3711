"""Fixed vocabularies: English identifiers for code and files, Danish labels for the UI.

Every categorical value a profile can hold is declared here once. Files use the
English identifier (``warehouse_logistics``); the app shows the Danish label
(``Lager og logistik``).
"""

from __future__ import annotations

from enum import StrEnum


class Industry(StrEnum):
    RETAIL = "retail"
    KITCHEN_CANTEEN = "kitchen_canteen"
    HOTEL_CAFE_RESTAURANT = "hotel_cafe_restaurant"
    WAREHOUSE_LOGISTICS = "warehouse_logistics"
    TRANSPORT_COURIER = "transport_courier"
    AUTOMOTIVE_WORKSHOP = "automotive_workshop"
    METAL_SMITHY = "metal_smithy"
    WOOD_CARPENTRY = "wood_carpentry"
    MANUFACTURING = "manufacturing"
    IT_SOFTWARE_TESTING = "it_software_testing"
    GARDENING_LANDSCAPING = "gardening_landscaping"
    AGRICULTURE_ANIMAL_CARE = "agriculture_animal_care"
    CLEANING_FACILITY = "cleaning_facility"
    OFFICE_ADMINISTRATION = "office_administration"
    RECYCLING_ENVIRONMENT = "recycling_environment"


INDUSTRY_LABELS: dict[Industry, str] = {
    Industry.RETAIL: "Detailhandel",
    Industry.KITCHEN_CANTEEN: "Køkken og kantine",
    Industry.HOTEL_CAFE_RESTAURANT: "Hotel, café og restaurant",
    Industry.WAREHOUSE_LOGISTICS: "Lager og logistik",
    Industry.TRANSPORT_COURIER: "Transport og bud",
    Industry.AUTOMOTIVE_WORKSHOP: "Autoværksted",
    Industry.METAL_SMITHY: "Metal og smedje",
    Industry.WOOD_CARPENTRY: "Træ og snedkeri",
    Industry.MANUFACTURING: "Produktion",
    Industry.IT_SOFTWARE_TESTING: "IT og softwaretest",
    Industry.GARDENING_LANDSCAPING: "Gartneri, park og anlæg",
    Industry.AGRICULTURE_ANIMAL_CARE: "Landbrug og dyrepasning",
    Industry.CLEANING_FACILITY: "Rengøring og facility service",
    Industry.OFFICE_ADMINISTRATION: "Kontor og administration",
    Industry.RECYCLING_ENVIRONMENT: "Genbrug og miljø",
}


class ImpairmentGroup(StrEnum):
    PSYCHOLOGICAL = "psychological"
    COGNITIVE = "cognitive"
    PHYSICAL = "physical"
    SENSORY = "sensory"


IMPAIRMENT_GROUP_LABELS: dict[ImpairmentGroup, str] = {
    ImpairmentGroup.PSYCHOLOGICAL: "Psykisk",
    ImpairmentGroup.COGNITIVE: "Kognitiv",
    ImpairmentGroup.PHYSICAL: "Fysisk",
    ImpairmentGroup.SENSORY: "Sansemæssig",
}


class Impairment(StrEnum):
    AUTISM = "autism"
    ADHD = "adhd"
    ANXIETY = "anxiety"
    DEPRESSION = "depression"
    INTELLECTUAL_DISABILITY = "intellectual_disability"
    LEARNING_DISABILITY = "learning_disability"
    ACQUIRED_BRAIN_INJURY = "acquired_brain_injury"
    EPILEPSY = "epilepsy"
    MOBILITY = "mobility"
    HEARING = "hearing"
    VISION = "vision"


IMPAIRMENT_LABELS: dict[Impairment, str] = {
    Impairment.AUTISM: "Autismespektrumforstyrrelse",
    Impairment.ADHD: "ADHD",
    Impairment.ANXIETY: "Angst",
    Impairment.DEPRESSION: "Depression",
    Impairment.INTELLECTUAL_DISABILITY: "Generelle indlæringsvanskeligheder",
    Impairment.LEARNING_DISABILITY: "Specifikke indlæringsvanskeligheder",
    Impairment.ACQUIRED_BRAIN_INJURY: "Erhvervet hjerneskade",
    Impairment.EPILEPSY: "Epilepsi",
    Impairment.MOBILITY: "Bevægelseshandicap",
    Impairment.HEARING: "Hørenedsættelse",
    Impairment.VISION: "Synsnedsættelse",
}

IMPAIRMENT_GROUPS: dict[Impairment, ImpairmentGroup] = {
    Impairment.AUTISM: ImpairmentGroup.PSYCHOLOGICAL,
    Impairment.ADHD: ImpairmentGroup.PSYCHOLOGICAL,
    Impairment.ANXIETY: ImpairmentGroup.PSYCHOLOGICAL,
    Impairment.DEPRESSION: ImpairmentGroup.PSYCHOLOGICAL,
    Impairment.INTELLECTUAL_DISABILITY: ImpairmentGroup.COGNITIVE,
    Impairment.LEARNING_DISABILITY: ImpairmentGroup.COGNITIVE,
    Impairment.ACQUIRED_BRAIN_INJURY: ImpairmentGroup.COGNITIVE,
    Impairment.EPILEPSY: ImpairmentGroup.PHYSICAL,
    Impairment.MOBILITY: ImpairmentGroup.PHYSICAL,
    Impairment.HEARING: ImpairmentGroup.SENSORY,
    Impairment.VISION: ImpairmentGroup.SENSORY,
}


class StressReaction(StrEnum):
    """Belastningsreaktioner: how strain shows in everyday and working life."""

    SOCIAL_LIMITATIONS = "social_limitations"
    COMMUNICATION_DIFFICULTIES = "communication_difficulties"
    WEAK_NETWORK = "weak_network"
    LIFE_SKILLS = "life_skills"
    STRESS_SENSITIVITY = "stress_sensitivity"
    CHANGE_DIFFICULTIES = "change_difficulties"
    SENSORY_SENSITIVITY = "sensory_sensitivity"
    CONCENTRATION_DIFFICULTIES = "concentration_difficulties"
    LOW_STAMINA = "low_stamina"
    DAILY_RHYTHM = "daily_rhythm"
    LOW_SELF_ESTEEM = "low_self_esteem"
    SKILL_TRANSFER = "skill_transfer"


STRESS_REACTION_LABELS: dict[StressReaction, str] = {
    StressReaction.SOCIAL_LIMITATIONS: "Sociale begrænsninger",
    StressReaction.COMMUNICATION_DIFFICULTIES: "Kommunikationsvanskeligheder",
    StressReaction.WEAK_NETWORK: "Svagt netværk",
    StressReaction.LIFE_SKILLS: "Livsmestring",
    StressReaction.STRESS_SENSITIVITY: "Stressfølsomhed",
    StressReaction.CHANGE_DIFFICULTIES: "Vanskeligt ved forandringer",
    StressReaction.SENSORY_SENSITIVITY: "Sansefølsomhed (lyd, lys)",
    StressReaction.CONCENTRATION_DIFFICULTIES: "Koncentrationsbesvær",
    StressReaction.LOW_STAMINA: "Nedsat udholdenhed",
    StressReaction.DAILY_RHYTHM: "Døgnrytme og struktur",
    StressReaction.LOW_SELF_ESTEEM: "Lavt selvværd",
    StressReaction.SKILL_TRANSFER: "Svært ved at overføre kompetencer",
}


class SupportLevel(StrEnum):
    """Graded support need, from no support to most support (0..3 in arrays)."""

    NONE = "none"
    LITTLE = "little"
    SOME = "some"
    MOST = "most"

    @property
    def rank(self) -> int:
        return _SUPPORT_RANK[self]


_SUPPORT_RANK: dict[SupportLevel, int] = {level: rank for rank, level in enumerate(SupportLevel)}
"""Each level's place in order (``rank``): read 350,000 times loading 45,000 students."""

SUPPORT_LEVEL_LABELS: dict[SupportLevel, str] = {
    SupportLevel.NONE: "Ingen støtte",
    SupportLevel.LITTLE: "Lidt støtte",
    SupportLevel.SOME: "Noget støtte",
    SupportLevel.MOST: "Meget støtte",
}


class TransportMode(StrEnum):
    WALK = "walk"
    BIKE = "bike"
    PUBLIC_TRANSPORT = "public_transport"
    DRIVEN = "driven"
    CAR = "car"


TRANSPORT_MODE_LABELS: dict[TransportMode, str] = {
    TransportMode.WALK: "Til fods",
    TransportMode.BIKE: "Cykel",
    TransportMode.PUBLIC_TRANSPORT: "Offentlig transport",
    TransportMode.DRIVEN: "Bliver kørt",
    TransportMode.CAR: "Egen bil",
}


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"


GENDER_LABELS: dict[Gender, str] = {
    Gender.MALE: "Mand",
    Gender.FEMALE: "Kvinde",
    Gender.OTHER: "Andet",
}


class TaskVariety(StrEnum):
    """Does the workplace offer a delimited routine task, varied tasks, or both?"""

    ROUTINE = "routine"
    VARIED = "varied"
    BOTH = "both"


TASK_VARIETY_LABELS: dict[TaskVariety, str] = {
    TaskVariety.ROUTINE: "Afgrænset rutineopgave",
    TaskVariety.VARIED: "Varierede opgaver",
    TaskVariety.BOTH: "Både rutine og variation",
}


class Level(StrEnum):
    """A three-step environment level (noise, pace, customer contact, physical demands)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK: dict[Level, int] = {level: rank for rank, level in enumerate(Level)}

LEVEL_LABELS: dict[Level, str] = {
    Level.LOW: "Lav",
    Level.MEDIUM: "Middel",
    Level.HIGH: "Høj",
}


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


WEEKDAY_LABELS: dict[Weekday, str] = {
    Weekday.MON: "Mandag",
    Weekday.TUE: "Tirsdag",
    Weekday.WED: "Onsdag",
    Weekday.THU: "Torsdag",
    Weekday.FRI: "Fredag",
    Weekday.SAT: "Lørdag",
    Weekday.SUN: "Søndag",
}


class Outcome(StrEnum):
    """What a past placement led to: the employment types a job consultant records."""

    JOB = "job"
    FLEXJOB = "flexjob"
    WAGE_SUBSIDY = "wage_subsidy"
    SMALL_JOB = "small_job"
    EDUCATION = "education"
    IN_PROGRESS = "in_progress"
    PUBLIC_SUPPORT = "public_support"

    @property
    def is_lasting_attachment(self) -> bool:
        """Attachment to the labour market, counted broadly as the pilot did: any kind of job.

        An ordinary job, a fleksjob, a job with wage subsidy or a small job; not education, a
        course still in progress or public support.
        """
        return self in (Outcome.JOB, Outcome.FLEXJOB, Outcome.WAGE_SUBSIDY, Outcome.SMALL_JOB)


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.JOB: "Ordinært job",
    Outcome.FLEXJOB: "Fleksjob",
    Outcome.WAGE_SUBSIDY: "Job med løntilskud",
    Outcome.SMALL_JOB: "Småjob",
    Outcome.EDUCATION: "Uddannelse",
    Outcome.IN_PROGRESS: "I gang / afklaring",
    Outcome.PUBLIC_SUPPORT: "Offentlig forsørgelse",
}


class ShareCategory(StrEnum):
    """What a student may consent to share with a company."""

    INTERESTS = "interests"
    NEEDS = "needs"
    ABILITIES = "abilities"
    SUPPORT = "support"
    STRESS_REACTIONS = "stress_reactions"
    IMPAIRMENTS = "impairments"


SHARE_CATEGORY_LABELS: dict[ShareCategory, str] = {
    ShareCategory.INTERESTS: "Interesser",
    ShareCategory.NEEDS: "Behov på arbejdspladsen",
    ShareCategory.ABILITIES: "Styrker og forudsætninger",
    ShareCategory.SUPPORT: "Støttebehov",
    ShareCategory.STRESS_REACTIONS: "Belastningsreaktioner",
    ShareCategory.IMPAIRMENTS: "Funktionsnedsættelser (diagnoser)",
}


class WorkDemand(StrEnum):
    """Work-demand dimensions rated 1..5 on both sides (MELBA style).

    For a student the value is an ability (5 = handles a lot); for a company it
    is a requirement (5 = the job demands a lot). Requirement above ability is
    an *overload* to plan for, not automatically a rejection.
    """

    ATTENTION = "attention"
    ADAPTING_TO_CHANGE = "adapting_to_change"
    SOCIAL_CONTACT = "social_contact"
    TEAMWORK = "teamwork"
    PACE = "pace"
    STAMINA = "stamina"
    INDEPENDENCE = "independence"
    BASIC_SKILLS = "basic_skills"
    FINE_MOTOR = "fine_motor"
    PHYSICAL_STRENGTH = "physical_strength"
    NOISE_TOLERANCE = "noise_tolerance"


WORK_DEMAND_LABELS: dict[WorkDemand, str] = {
    WorkDemand.ATTENTION: "Opmærksomhed og koncentration",
    WorkDemand.ADAPTING_TO_CHANGE: "Omstilling til forandringer",
    WorkDemand.SOCIAL_CONTACT: "Kontakt med andre",
    WorkDemand.TEAMWORK: "Samarbejde",
    WorkDemand.PACE: "Arbejdstempo",
    WorkDemand.STAMINA: "Udholdenhed",
    WorkDemand.INDEPENDENCE: "Selvstændighed",
    WorkDemand.BASIC_SKILLS: "Læse, skrive, regne",
    WorkDemand.FINE_MOTOR: "Finmotorik",
    WorkDemand.PHYSICAL_STRENGTH: "Fysisk styrke",
    WorkDemand.NOISE_TOLERANCE: "Tåle støj",
}

DEMAND_SCALE = (1, 5)
COMPLEXITY_SCALE = (1, 5)
COMPLEXITY_LABELS: dict[int, str] = {
    1: "Meget enkle opgaver",
    2: "Enkle opgaver",
    3: "Opgaver af middel sværhedsgrad",
    4: "Komplekse opgaver",
    5: "Meget komplekse opgaver",
}


_LABELS_BY_TYPE: dict[type, dict] = {
    Industry: INDUSTRY_LABELS,
    ImpairmentGroup: IMPAIRMENT_GROUP_LABELS,
    Impairment: IMPAIRMENT_LABELS,
    StressReaction: STRESS_REACTION_LABELS,
    SupportLevel: SUPPORT_LEVEL_LABELS,
    TransportMode: TRANSPORT_MODE_LABELS,
    Gender: GENDER_LABELS,
    TaskVariety: TASK_VARIETY_LABELS,
    Level: LEVEL_LABELS,
    Weekday: WEEKDAY_LABELS,
    Outcome: OUTCOME_LABELS,
    ShareCategory: SHARE_CATEGORY_LABELS,
    WorkDemand: WORK_DEMAND_LABELS,
}


def label(value: StrEnum) -> str:
    """The Danish label of any vocabulary value."""
    return _LABELS_BY_TYPE[type(value)][value]


def hours_per_week_da(hours: int, noun: str = "time") -> str:
    """Whole hours per week in Danish number format: '1 time om ugen', '1.200 timer om ugen'.

    ``noun`` is the singular of a kind of hour (``"mentortime"``); the plural adds ``r``.
    """
    return f"{hours:,}".replace(",", ".") + f" {noun if hours == 1 else noun + 'r'} om ugen"


def mentor_hours_da(hours: int) -> str:
    """Mentor support as jobcentres grant it, in hours per week: '1 mentortime om ugen', '3 mentortimer om ugen'."""
    return hours_per_week_da(hours, "mentortime")


def task_level(level: int) -> str:
    """A task complexity level in words, for a sentence: ``task_level(2) == "enkle opgaver"``."""
    return COMPLEXITY_LABELS[level].lower()
