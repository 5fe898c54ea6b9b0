"""The REST API (``/api/v1/``, Django REST framework): its shared pieces and the labelling app's
public endpoints.

Shared by every app's endpoints (``workflows.rest`` …; ``config.api_urls`` registers them):
``Pagination`` (``?page=N&taille=M``, 50 by default, 200 at most), ``PublicThrottle`` (per
network address, ``API_PUBLIC_RATE``), ``UserThrottle`` (per signed-in user, ``API_USER_RATE``),
``exception_handler`` (every error as JSON ``{"detail": …, "code": …}`` in French, field
errors as ``{"detail": …, "code": "invalid", "errors": {field: [messages]}}``).

Public, no account (open data): ``/api/v1/places/`` the places whose label is in force
(``directory.places_in_force``), filters ``departement``, ``commune``, ``format``;
``/api/v1/versions/`` the published versions of the cahier des charges with their criteria.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, pagination, permissions, serializers, throttling, viewsets
from rest_framework.views import exception_handler as drf_exception_handler

from labelling import directory, opendata
from labelling.models import Criterion, Place, PlaceFormat, Version
from labelling.models.referential import VersionStatus
from labelling.territories import resolve_commune_codes

# --- shared pieces ----------------------------------------------------------------------------


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "taille"
    page_size_query_description = "Nombre d'éléments par page (200 au plus)."
    page_query_description = "Numéro de la page, à partir de 1."
    max_page_size = 200
    invalid_page_message = "Page invalide : cette page n'existe pas."


class PublicThrottle(throttling.AnonRateThrottle):
    """Anonymous requests, per network address."""

    scope = "public"


class UserThrottle(throttling.UserRateThrottle):
    """Signed-in requests (token or session), per user."""

    scope = "user"


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    """Base of the API's read endpoints: throttled, paginated, JSON."""

    throttle_classes = (PublicThrottle, UserThrottle)
    pagination_class = Pagination


NOT_FOUND = "Introuvable : cet élément n'existe pas ou vous n'y avez pas accès."


def exception_handler(exc, context):
    """Errors as JSON in French: ``{"detail", "code"}``; validation errors add ``errors``."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 page, logged
    if isinstance(exc, Http404):  # Django's own message is English and names the model
        response.data = {"detail": NOT_FOUND, "code": "not_found"}
    elif isinstance(exc, exceptions.ValidationError) and not (
        isinstance(response.data, dict) and set(response.data) <= {"detail", "code"}
    ):
        response.data = {
            "detail": "Requête invalide : voyez les erreurs par paramètre.",
            "code": "invalid",
            "errors": response.data,
        }
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {
            "detail": str(detail),
            "code": getattr(detail, "code", None) or getattr(exc, "default_code", "error"),
        }
    return response


def public_url(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path


# --- places in force --------------------------------------------------------------------------


class CommuneSerializer(serializers.Serializer):
    code_insee = serializers.CharField()
    nom = serializers.CharField()


class DepartementSerializer(serializers.Serializer):
    code = serializers.CharField()
    nom = serializers.CharField()


class PublicPlaceSerializer(serializers.ModelSerializer):
    """A place in force, as the open data describes it."""

    identifiant = serializers.SerializerMethodField(
        help_text="Identifiant de la liste nationale (id_fs), ou propre à Estampille (EST-…)."
    )
    nom = serializers.CharField(source="name")
    adresse = serializers.CharField(source="address")
    complement_adresse = serializers.CharField(source="address_complement")
    code_postal = serializers.CharField(source="postal_code")
    commune = serializers.SerializerMethodField()
    departement = serializers.SerializerMethodField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    telephone = serializers.CharField(source="phone")
    courriel = serializers.CharField(source="email")
    prise_rdv = serializers.BooleanField(source="appointments", allow_null=True)
    commentaire = serializers.CharField(source="comment")
    type = serializers.CharField(source="kind", help_text="principal, antenne ou vide.")
    format = serializers.CharField(
        help_text="fixe, multisites, bus, itinerante, fixe_antennes ou vide."
    )
    groupe = serializers.CharField(source="group")
    itinerant = serializers.BooleanField(allow_null=True)
    horaires = serializers.SerializerMethodField(
        help_text="Par jour (lundi … dimanche), les plages « HH:MM-HH:MM »."
    )
    horaires_osm = serializers.SerializerMethodField(
        help_text="Les mêmes horaires, syntaxe OpenStreetMap opening_hours."
    )
    date_effet_label = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="La page publique du lieu.")

    class Meta:
        model = Place
        fields = (
            "id",
            "identifiant",
            "nom",
            "adresse",
            "complement_adresse",
            "code_postal",
            "commune",
            "departement",
            "latitude",
            "longitude",
            "telephone",
            "courriel",
            "prise_rdv",
            "commentaire",
            "type",
            "format",
            "groupe",
            "itinerant",
            "horaires",
            "horaires_osm",
            "date_effet_label",
            "url",
        )

    def get_identifiant(self, place: Place) -> str | None:
        return opendata.identifier_of(place)

    @extend_schema_field(CommuneSerializer)
    def get_commune(self, place: Place) -> dict:
        return {"code_insee": place.declared_insee_code, "nom": place.commune.name}

    @extend_schema_field(DepartementSerializer)
    def get_departement(self, place: Place) -> dict:
        return {"code": place.departement_id, "nom": place.departement.name}

    @staticmethod
    def _hours(place: Place):
        if not hasattr(place, "_weekly_hours"):
            place._weekly_hours = directory.weekly_hours(place)
        return place._weekly_hours

    def get_horaires(self, place: Place) -> dict[str, list[str]]:
        hours = self._hours(place)
        return {
            day: [f"{opendata.format_minute(s)}-{opendata.format_minute(e)}" for s, e in hours[i]]
            for i, day in enumerate(directory.DAY_NAMES)
        }

    def get_horaires_osm(self, place: Place) -> str:
        return opendata.osm_opening_hours(self._hours(place))

    def get_date_effet_label(self, place: Place) -> str | None:
        day = place.label_effective_on or place.labelled_on
        return day.isoformat() if day else None

    def get_url(self, place: Place) -> str:
        return public_url(self.context.get("request"), reverse("public:place", args=[place.pk]))


_DEPARTEMENT = re.compile(r"^(\d{2}|2[AB]|97\d|98\d)$")
_INSEE = re.compile(r"^\d[0-9AB]\d{3}$")
FORMATS = [choice for choice, _label in PlaceFormat.choices]


@extend_schema_view(
    list=extend_schema(
        summary="Lieux France Services en vigueur",
        description="Les lieux dont le label est en vigueur aujourd'hui (données ouvertes, "
        "Licence Ouverte 2.0). Sans compte.",
        parameters=[
            OpenApiParameter(
                "departement",
                OpenApiTypes.STR,
                description="Code du département (63, 2A, 971…).",
                pattern=r"^(\d{2}|2[AB]|97\d|98\d)$",
            ),
            OpenApiParameter(
                "commune",
                OpenApiTypes.STR,
                description="Code INSEE de la commune (un arrondissement vaut sa commune).",
                pattern=r"^\d[0-9AB]\d{3}$",
            ),
            OpenApiParameter("format", OpenApiTypes.STR, enum=FORMATS),
        ],
    ),
    retrieve=extend_schema(summary="Un lieu France Services en vigueur"),
)
class PublicPlaceViewSet(ReadOnly):
    serializer_class = PublicPlaceSerializer
    permission_classes = (permissions.AllowAny,)
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        places = (
            directory.places_in_force()
            .select_related("commune", "commune_alias", "departement", "public_identifier")
            .prefetch_related("opening_intervals")
            .order_by("departement_id", "name", "pk")
        )
        if self.action != "list":
            return places
        params = self.request.query_params
        errors = {}
        departement = params.get("departement", "").strip().upper()
        if departement:
            if not _DEPARTEMENT.match(departement):
                errors["departement"] = [
                    f"« {departement[:20]} » n'est pas un code de département (63, 2A, 971…)."
                ]
            places = places.filter(departement_id=departement)
        commune = params.get("commune", "").strip().upper()
        if commune:
            if not _INSEE.match(commune):
                errors["commune"] = [
                    f"« {commune[:20]} » n'est pas un code INSEE de commune (5 caractères)."
                ]
            resolved = resolve_commune_codes([commune]).get(commune)
            places = places.filter(commune_id=resolved.commune.insee_code if resolved else None)
        fmt = params.get("format", "").strip()
        if fmt:
            if fmt not in FORMATS:
                errors["format"] = [
                    f"« {fmt[:20]} » inconnu ; valeurs possibles : {', '.join(FORMATS)}."
                ]
            places = places.filter(format=fmt)
        if errors:
            raise exceptions.ValidationError(errors)
        return places


# --- versions of the cahier des charges ---------------------------------------------------------


class CriterionSerializer(serializers.ModelSerializer):
    intitule = serializers.CharField(source="label")
    gravite = serializers.CharField(source="severity", help_text="blocking ou warning.")
    parametres = serializers.JSONField(source="params")
    reference = serializers.CharField()

    class Meta:
        model = Criterion
        fields = ("code", "intitule", "gravite", "parametres", "reference")


class VersionSerializer(serializers.ModelSerializer):
    titre = serializers.CharField(source="title")
    texte_de_reference = serializers.CharField(source="source_reference")
    en_vigueur_du = serializers.DateField(source="starts_on", allow_null=True)
    en_vigueur_au = serializers.DateField(source="ends_on", allow_null=True)
    publiee_le = serializers.DateTimeField(source="published_at", allow_null=True)
    criteres = CriterionSerializer(source="criteria", many=True)

    class Meta:
        model = Version
        fields = (
            "code",
            "titre",
            "texte_de_reference",
            "en_vigueur_du",
            "en_vigueur_au",
            "publiee_le",
            "criteres",
        )


@extend_schema_view(
    list=extend_schema(summary="Versions publiées du cahier des charges"),
    retrieve=extend_schema(summary="Une version publiée du cahier des charges"),
)
class VersionViewSet(ReadOnly):
    serializer_class = VersionSerializer
    permission_classes = (permissions.AllowAny,)
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]{1,50}"

    def get_queryset(self):
        return (
            Version.objects.filter(status=VersionStatus.PUBLISHED)
            .prefetch_related("criteria")
            .order_by("starts_on", "code")
        )


#: (prefix, viewset, basename) of this app, registered by ``config.api_urls``.
ROUTES = (
    ("places", PublicPlaceViewSet, "place"),
    ("versions", VersionViewSet, "version"),
)
