"""The names of the groups users belong to (one per préfecture, porteur, partner operator, and
the national agency). Membership is kept by `labelling.permissions.sync_user_groups`; document
grants name these groups (`documents.audiences`). Names only: no model is read here."""

NATIONAL_GROUP = "Agence nationale"


def prefecture_group_name(departement_code: str) -> str:
    return f"Préfecture {departement_code}"


def porteur_group_name(porteur_id) -> str:
    return f"Porteur {porteur_id}"


def operator_group_name(operator_code: str) -> str:
    return f"Opérateur {operator_code}"
