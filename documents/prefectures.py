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
