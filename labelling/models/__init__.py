from .accounts import Role, User
from .impact import ImpactRun as ImpactRun
from .network import (
    Agent,
    Convention,
    ConventionStatus,
    LabelStatus,
    OpeningInterval,
    Operator,
    OperatorPresence,
    Place,
    PlaceGroupObjectPermission,
    PlaceUserObjectPermission,
    Porteur,
    PorteurKind,
    Presence,
    Training,
    TrainingKind,
)
from .referential import ConformityReport, Criterion, Version
from .territories import EPCI, Commune, Departement, Region

__all__ = [
    "EPCI",
    "Agent",
    "Commune",
    "ConformityReport",
    "Convention",
    "ConventionStatus",
    "Criterion",
    "Departement",
    "LabelStatus",
    "OpeningInterval",
    "Operator",
    "OperatorPresence",
    "Place",
    "PlaceGroupObjectPermission",
    "PlaceUserObjectPermission",
    "Porteur",
    "PorteurKind",
    "Presence",
    "Region",
    "Role",
    "Training",
    "TrainingKind",
    "User",
    "Version",
]
