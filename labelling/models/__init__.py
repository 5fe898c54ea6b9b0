from .accounts import Role, User
from .network import (
    Agent,
    Convention,
    OpeningInterval,
    Operator,
    OperatorPresence,
    Place,
    PlaceGroupObjectPermission,
    PlaceUserObjectPermission,
    Porteur,
    Training,
)
from .referential import ConformityReport, Criterion, Version
from .territories import EPCI, Commune, Departement, Region

__all__ = [
    "EPCI",
    "Agent",
    "Commune",
    "ConformityReport",
    "Convention",
    "Criterion",
    "Departement",
    "OpeningInterval",
    "Operator",
    "OperatorPresence",
    "Place",
    "PlaceGroupObjectPermission",
    "PlaceUserObjectPermission",
    "Porteur",
    "Region",
    "Role",
    "Training",
    "User",
    "Version",
]
