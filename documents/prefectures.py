"""Where each préfecture sits and how its name is written after "de" ("du Puy-de-Dôme",
"de l'Ain"). Data that a document's context may override (``prefecture`` key)."""

from __future__ import annotations

from typing import TypedDict


class PrefectureInfo(TypedDict):
    code: str
    name: str
    of_name: str  # "du Puy-de-Dôme"
    seat: str  # chef-lieu where decisions are made: "Fait à <seat>"
    tribunal: str  # "le tribunal administratif de Clermont-Ferrand"


# code: (name, "de" form, chef-lieu)
_DEPARTEMENTS: dict[str, tuple[str, str, str]] = {
    "01": ("Ain", "de l'Ain", "Bourg-en-Bresse"),
    "02": ("Aisne", "de l'Aisne", "Laon"),
    "03": ("Allier", "de l'Allier", "Moulins"),
    "04": ("Alpes-de-Haute-Provence", "des Alpes-de-Haute-Provence", "Digne-les-Bains"),
    "05": ("Hautes-Alpes", "des Hautes-Alpes", "Gap"),
    "06": ("Alpes-Maritimes", "des Alpes-Maritimes", "Nice"),
    "07": ("Ardèche", "de l'Ardèche", "Privas"),
    "08": ("Ardennes", "des Ardennes", "Charleville-Mézières"),
    "09": ("Ariège", "de l'Ariège", "Foix"),
    "10": ("Aube", "de l'Aube", "Troyes"),
    "11": ("Aude", "de l'Aude", "Carcassonne"),
    "12": ("Aveyron", "de l'Aveyron", "Rodez"),
    "13": ("Bouches-du-Rhône", "des Bouches-du-Rhône", "Marseille"),
    "14": ("Calvados", "du Calvados", "Caen"),
    "15": ("Cantal", "du Cantal", "Aurillac"),
    "16": ("Charente", "de la Charente", "Angoulême"),
    "17": ("Charente-Maritime", "de la Charente-Maritime", "La Rochelle"),
    "18": ("Cher", "du Cher", "Bourges"),
    "19": ("Corrèze", "de la Corrèze", "Tulle"),
    "2A": ("Corse-du-Sud", "de la Corse-du-Sud", "Ajaccio"),
    "2B": ("Haute-Corse", "de la Haute-Corse", "Bastia"),
    "21": ("Côte-d'Or", "de la Côte-d'Or", "Dijon"),
    "22": ("Côtes-d'Armor", "des Côtes-d'Armor", "Saint-Brieuc"),
    "23": ("Creuse", "de la Creuse", "Guéret"),
    "24": ("Dordogne", "de la Dordogne", "Périgueux"),
    "25": ("Doubs", "du Doubs", "Besançon"),
    "26": ("Drôme", "de la Drôme", "Valence"),
    "27": ("Eure", "de l'Eure", "Évreux"),
    "28": ("Eure-et-Loir", "d'Eure-et-Loir", "Chartres"),
    "29": ("Finistère", "du Finistère", "Quimper"),
    "30": ("Gard", "du Gard", "Nîmes"),
    "31": ("Haute-Garonne", "de la Haute-Garonne", "Toulouse"),
    "32": ("Gers", "du Gers", "Auch"),
    "33": ("Gironde", "de la Gironde", "Bordeaux"),
    "34": ("Hérault", "de l'Hérault", "Montpellier"),
    "35": ("Ille-et-Vilaine", "d'Ille-et-Vilaine", "Rennes"),
    "36": ("Indre", "de l'Indre", "Châteauroux"),
    "37": ("Indre-et-Loire", "d'Indre-et-Loire", "Tours"),
    "38": ("Isère", "de l'Isère", "Grenoble"),
    "39": ("Jura", "du Jura", "Lons-le-Saunier"),
    "40": ("Landes", "des Landes", "Mont-de-Marsan"),
    "41": ("Loir-et-Cher", "de Loir-et-Cher", "Blois"),
    "42": ("Loire", "de la Loire", "Saint-Étienne"),
    "43": ("Haute-Loire", "de la Haute-Loire", "Le Puy-en-Velay"),
    "44": ("Loire-Atlantique", "de la Loire-Atlantique", "Nantes"),
    "45": ("Loiret", "du Loiret", "Orléans"),
    "46": ("Lot", "du Lot", "Cahors"),
    "47": ("Lot-et-Garonne", "de Lot-et-Garonne", "Agen"),
    "48": ("Lozère", "de la Lozère", "Mende"),
    "49": ("Maine-et-Loire", "de Maine-et-Loire", "Angers"),
    "50": ("Manche", "de la Manche", "Saint-Lô"),
    "51": ("Marne", "de la Marne", "Châlons-en-Champagne"),
    "52": ("Haute-Marne", "de la Haute-Marne", "Chaumont"),
    "53": ("Mayenne", "de la Mayenne", "Laval"),
    "54": ("Meurthe-et-Moselle", "de Meurthe-et-Moselle", "Nancy"),
    "55": ("Meuse", "de la Meuse", "Bar-le-Duc"),
    "56": ("Morbihan", "du Morbihan", "Vannes"),
    "57": ("Moselle", "de la Moselle", "Metz"),
    "58": ("Nièvre", "de la Nièvre", "Nevers"),
    "59": ("Nord", "du Nord", "Lille"),
    "60": ("Oise", "de l'Oise", "Beauvais"),
    "61": ("Orne", "de l'Orne", "Alençon"),
    "62": ("Pas-de-Calais", "du Pas-de-Calais", "Arras"),
    "63": ("Puy-de-Dôme", "du Puy-de-Dôme", "Clermont-Ferrand"),
    "64": ("Pyrénées-Atlantiques", "des Pyrénées-Atlantiques", "Pau"),
    "65": ("Hautes-Pyrénées", "des Hautes-Pyrénées", "Tarbes"),
    "66": ("Pyrénées-Orientales", "des Pyrénées-Orientales", "Perpignan"),
    "67": ("Bas-Rhin", "du Bas-Rhin", "Strasbourg"),
    "68": ("Haut-Rhin", "du Haut-Rhin", "Colmar"),
    "69": ("Rhône", "du Rhône", "Lyon"),
    "70": ("Haute-Saône", "de la Haute-Saône", "Vesoul"),
    "71": ("Saône-et-Loire", "de Saône-et-Loire", "Mâcon"),
    "72": ("Sarthe", "de la Sarthe", "Le Mans"),
    "73": ("Savoie", "de la Savoie", "Chambéry"),
    "74": ("Haute-Savoie", "de la Haute-Savoie", "Annecy"),
    "75": ("Paris", "de Paris", "Paris"),
    "76": ("Seine-Maritime", "de la Seine-Maritime", "Rouen"),
    "77": ("Seine-et-Marne", "de Seine-et-Marne", "Melun"),
    "78": ("Yvelines", "des Yvelines", "Versailles"),
    "79": ("Deux-Sèvres", "des Deux-Sèvres", "Niort"),
    "80": ("Somme", "de la Somme", "Amiens"),
    "81": ("Tarn", "du Tarn", "Albi"),
    "82": ("Tarn-et-Garonne", "de Tarn-et-Garonne", "Montauban"),
    "83": ("Var", "du Var", "Toulon"),
    "84": ("Vaucluse", "de Vaucluse", "Avignon"),
    "85": ("Vendée", "de la Vendée", "La Roche-sur-Yon"),
    "86": ("Vienne", "de la Vienne", "Poitiers"),
    "87": ("Haute-Vienne", "de la Haute-Vienne", "Limoges"),
    "88": ("Vosges", "des Vosges", "Épinal"),
    "89": ("Yonne", "de l'Yonne", "Auxerre"),
    "90": ("Territoire de Belfort", "du Territoire de Belfort", "Belfort"),
    "91": ("Essonne", "de l'Essonne", "Évry-Courcouronnes"),
    "92": ("Hauts-de-Seine", "des Hauts-de-Seine", "Nanterre"),
    "93": ("Seine-Saint-Denis", "de la Seine-Saint-Denis", "Bobigny"),
    "94": ("Val-de-Marne", "du Val-de-Marne", "Créteil"),
    "95": ("Val-d'Oise", "du Val-d'Oise", "Cergy"),
    "971": ("Guadeloupe", "de la Guadeloupe", "Basse-Terre"),
    "972": ("Martinique", "de la Martinique", "Fort-de-France"),
    "973": ("Guyane", "de la Guyane", "Cayenne"),
    "974": ("La Réunion", "de La Réunion", "Saint-Denis"),
    "976": ("Mayotte", "de Mayotte", "Mamoudzou"),
    # Collectivités d'outre-mer listed among the départements (labelling.territories).
    "975": ("Saint-Pierre-et-Miquelon", "de Saint-Pierre-et-Miquelon", "Saint-Pierre"),
    "977": ("Saint-Barthélemy", "de Saint-Barthélemy", "Gustavia"),
    "978": ("Saint-Martin", "de Saint-Martin", "Marigot"),
    "986": ("Wallis-et-Futuna", "des îles Wallis et Futuna", "Mata-Utu"),
    "987": ("Polynésie française", "de la Polynésie française", "Papeete"),
    "988": ("Nouvelle-Calédonie", "de la Nouvelle-Calédonie", "Nouméa"),
}

# Only the jurisdictions we are sure of; elsewhere the generic wording applies (and the context
# may name the tribunal).
_TRIBUNALS = {code: "Clermont-Ferrand" for code in ("03", "15", "43", "63")}

GENERIC_TRIBUNAL = "le tribunal administratif territorialement compétent"


def prefecture_info(code: str, fallback_name: str = "") -> PrefectureInfo:
    name, of_name, seat = _DEPARTEMENTS.get(
        code, (fallback_name or code, f"de {fallback_name or code}", "")
    )
    tribunal_seat = _TRIBUNALS.get(code)
    return {
        "code": code,
        "name": name,
        "of_name": of_name,
        "seat": seat,
        "tribunal": f"le tribunal administratif de {tribunal_seat}"
        if tribunal_seat
        else GENERIC_TRIBUNAL,
    }


# Demonstration details of the two demo préfectures (seed_demo, render_samples, tests): the
# postal addresses and switchboards are the préfectures' public ones; names, decrees, delegation
# numbers and e-mail addresses are invented for the demonstration.
DEMO_PREFECTURES: dict[str, dict] = {
    "63": {
        "prefet_name": "Pierre Lambert",
        "prefet_feminine": False,
        "appointment_decree": "le décret du 12 juin 2025 portant nomination de M. Pierre Lambert "
        "en qualité de préfet du Puy-de-Dôme",
        "secretary_general_feminine": True,
        "service": "Direction de la citoyenneté et de la légalité — bureau France Services",
        "address": "18 boulevard Desaix, 63033 Clermont-Ferrand Cedex 1",
        "phone": "04 73 98 63 63",
        "email": "pref-france-services@puy-de-dome.gouv.fr",
        "delegate_title": "la secrétaire générale de la préfecture",
        # The demo's decisions go back to 2016 (MSAP): its delegations must cover them.
        "arrete_number": "63-2016-09-01-00012",
        "arrete_date": "2016-09-01",
    },
    "05": {
        "prefet_name": "Hélène Marchal",
        "prefet_feminine": True,
        "appointment_decree": "le décret du 3 mars 2025 portant nomination de Mme Hélène Marchal "
        "en qualité de préfète des Hautes-Alpes",
        "secretary_general_feminine": False,
        "service": "Direction de la citoyenneté et de la légalité — pôle France Services",
        "address": "28 rue Saint-Arey, 05011 Gap Cedex",
        "phone": "04 92 40 48 00",
        "email": "pref-france-services@hautes-alpes.gouv.fr",
        "delegate_title": "le secrétaire général de la préfecture",
        "arrete_number": "05-2016-03-17-00007",
        "arrete_date": "2016-03-17",
    },
}


def ensure_demo_prefecture(code: str, *, delegates=(), prefet_user=None, title: str = ""):
    """The demo préfecture `code` (63 or 05) with a delegation of signature for each of
    `delegates` (users), created once: for seed_demo and the tests' signataires."""
    import datetime

    from documents.models import Prefecture, SignatureDelegation

    data = DEMO_PREFECTURES.get(code)
    if data is None:
        data = {
            **DEMO_PREFECTURES["63"],
            "prefet_name": "Préfet de démonstration",
            "appointment_decree": f"le décret portant nomination du préfet {prefecture_info(code)['of_name']}",
            "address": f"Préfecture {prefecture_info(code)['of_name']}",
            "arrete_number": f"{code}-2016-01-04-00001",
            "arrete_date": "2016-01-04",
        }
    fields = (
        "prefet_name", "prefet_feminine", "appointment_decree", "secretary_general_feminine",
        "service", "address", "phone", "email",
    )  # fmt: skip
    prefecture, _ = Prefecture.objects.get_or_create(
        departement_id=code, defaults={field: data[field] for field in fields}
    )
    if prefet_user is not None and prefecture.prefet_user_id is None:
        prefecture.prefet_user = prefet_user
        prefecture.save(update_fields=["prefet_user"])
    signed_on = datetime.date.fromisoformat(data["arrete_date"])
    # Each delegation is its own arrêté (the next number of the series), in force from its date.
    prefix, _, serial = data["arrete_number"].rpartition("-")
    for user in delegates:
        if SignatureDelegation.objects.filter(prefecture=prefecture, delegate=user).exists():
            continue
        rank = SignatureDelegation.objects.filter(prefecture=prefecture).count()
        SignatureDelegation.objects.create(
            prefecture=prefecture,
            delegate=user,
            delegate_title=title or data["delegate_title"],
            arrete_number=f"{prefix}-{int(serial) + rank:0{len(serial)}d}",
            arrete_date=signed_on,
            valid_from=signed_on,
        )
    return prefecture
