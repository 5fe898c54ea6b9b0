"""The workflows app's endpoints of the REST API (``/api/v1/``), for signed-in users only (a
token per user, or the session): label applications and the decisions taken on them.

Scope: exactly the pages' access policy, ``workflows.permissions`` (through
``selectors.applications_visible_to``): a porteur sees its files at every stage; a préfecture
(instructors and signataires) the files of its département once submitted; the national agency
every submitted file; a partner operator none (it sees the opinions asked of it, not the file).
Documents are listed only when their audience lets the user read them
(``documents.permissions``), with the link to download their latest revision.

Decisions are, for now, the decided applications (state labellisé or refusé): when decisions get
a model of their own, ``DecisionViewSet.get_queryset`` reads it and the contract stays."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import permissions, serializers

from documents import selectors as documents_selectors
from documents.models import DocumentKind
from labelling.rest import ReadOnly, public_url
from workflows.models import (
    Application,
    ApplicationDocument,
    DocumentRole,
    State,
)
from workflows.selectors import applications_visible_to, document_links

DECISION_DOCUMENT_KINDS = (DocumentKind.ARRETE_LABELLISATION, DocumentKind.REFUS)
#: The states of a file on which the préfet has decided.
DECIDED_STATES = (State.LABELLED, State.REFUSED)


class StateSerializer(serializers.Serializer):
    code = serializers.CharField()
    libelle = serializers.CharField()


class PlaceRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    nom = serializers.CharField()
    commune = serializers.CharField()


class PorteurRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    nom = serializers.CharField()


class DocumentSerializer(serializers.Serializer):
    titre = serializers.CharField()
    nature = serializers.CharField()
    revision = serializers.IntegerField()
    ajoute_le = serializers.DateTimeField()
    url = serializers.CharField(help_text="Téléchargement (mêmes droits que les pages).")


class ApplicationSerializer(serializers.ModelSerializer):
    etat = serializers.SerializerMethodField()
    lieu = serializers.SerializerMethodField()
    porteur = serializers.SerializerMethodField()
    departement = serializers.CharField(source="departement_id")
    version_cahier_des_charges = serializers.CharField(source="version_code")
    premier_depot = serializers.DateTimeField(source="first_submitted_at", allow_null=True)
    dernier_depot = serializers.DateTimeField(source="submitted_at", allow_null=True)
    echeance_etape = serializers.DateField(source="stage_deadline", allow_null=True)
    issue = serializers.SerializerMethodField(
        help_text="La décision : « label » (labellisé), « refus », vide tant qu'elle n'est pas prise."
    )
    decidee_le = serializers.DateField(source="decided_on", allow_null=True)
    date_effet = serializers.DateField(source="effective_on", allow_null=True)
    cree_le = serializers.DateTimeField(source="created_at")
    url = serializers.SerializerMethodField(help_text="La page du dossier.")

    class Meta:
        model = Application
        fields = (
            "id",
            "etat",
            "lieu",
            "porteur",
            "departement",
            "version_cahier_des_charges",
            "premier_depot",
            "dernier_depot",
            "echeance_etape",
            "issue",
            "decidee_le",
            "date_effet",
            "cree_le",
            "url",
        )

    def get_issue(self, app: Application) -> str:
        return {State.LABELLED: "label", State.REFUSED: "refus"}.get(app.state, "")

    @extend_schema_field(StateSerializer)
    def get_etat(self, app: Application) -> dict:
        return {"code": app.state, "libelle": app.get_state_display()}

    @extend_schema_field(PlaceRefSerializer)
    def get_lieu(self, app: Application) -> dict:
        place = app.place
        return {"id": place.pk, "nom": place.name, "commune": place.commune.name}

    @extend_schema_field(PorteurRefSerializer)
    def get_porteur(self, app: Application) -> dict:
        return {"id": app.porteur_id, "nom": app.porteur.name}

    def get_url(self, app: Application) -> str:
        return public_url(
            self.context.get("request"), reverse("workflows:application_detail", args=[app.pk])
        )


class ApplicationDetailSerializer(ApplicationSerializer):
    documents = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = (*ApplicationSerializer.Meta.fields, "documents")

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, app: Application) -> list[dict]:
        request = self.context["request"]
        return [
            {
                "titre": link.title,
                "nature": link.role_label,
                "revision": link.revision,
                "ajoute_le": link.created_at,
                "url": public_url(request, link.url),
            }
            for link in document_links(user=request.user, app=app)
        ]


class ApplicationScope:
    """The files the requesting user may see: the pages' policy, nothing else."""

    permission_classes = (permissions.IsAuthenticated,)
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def scoped(self):
        return applications_visible_to(user=self.request.user).order_by("-created_at", "pk")


@extend_schema_view(
    list=extend_schema(summary="Dossiers de candidature visibles par l'utilisateur"),
    retrieve=extend_schema(summary="Un dossier de candidature, avec ses documents lisibles"),
)
class ApplicationViewSet(ApplicationScope, ReadOnly):
    def get_queryset(self):
        return self.scoped()

    def get_serializer_class(self):
        return ApplicationDetailSerializer if self.action == "retrieve" else ApplicationSerializer


class DecisionSerializer(ApplicationSerializer):
    documents = serializers.SerializerMethodField(help_text="L'arrêté ou la décision signée.")

    class Meta(ApplicationSerializer.Meta):
        fields = (
            "id",
            "lieu",
            "porteur",
            "departement",
            "issue",
            "decidee_le",
            "date_effet",
            "url",
            "documents",
        )

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, app: Application) -> list[dict]:
        return self.context["decision_documents"].get(app.pk, [])


@extend_schema_view(
    list=extend_schema(summary="Décisions prises sur les dossiers visibles par l'utilisateur"),
    retrieve=extend_schema(summary="Une décision, avec son arrêté signé"),
)
class DecisionViewSet(ApplicationScope, ReadOnly):
    serializer_class = DecisionSerializer

    def get_queryset(self):
        return self.scoped().filter(state__in=DECIDED_STATES, decided_on__isnull=False)

    def get_serializer(self, *args, **kwargs):
        instances = args[0] if args else None
        apps = (
            list(instances)
            if isinstance(instances, list)
            else [instances]
            if instances is not None
            else []
        )
        kwargs.setdefault("context", self.get_serializer_context())
        kwargs["context"]["decision_documents"] = self._documents(apps)
        return DecisionSerializer(*args, **kwargs)

    def _documents(self, apps: list[Application]) -> dict:
        """The signed decision documents of these files that the user may read, in three
        queries whatever their number."""
        if not apps:
            return {}
        rows = list(
            ApplicationDocument.objects.filter(
                application__in=apps,
                role=DocumentRole.GENERATED,
                document__kind__in=DECISION_DOCUMENT_KINDS,
            )
            .select_related("document")
            .order_by("created_at", "pk")
        )
        user = self.request.user
        readable = documents_selectors.readable_document_ids(
            user=user, ids=[row.document_id for row in rows]
        )
        latest = documents_selectors.latest_revisions(
            documents=[row.document for row in rows if row.document_id in readable]
        )
        found: dict = {}
        for row in rows:
            if row.document_id not in readable:
                continue
            document = latest[row.document_id]
            found.setdefault(row.application_id, []).append(
                {
                    "titre": row.title,
                    "nature": document.get_kind_display(),
                    "revision": document.revision,
                    "ajoute_le": row.created_at,
                    "url": public_url(
                        self.request, reverse("documents:download", args=[document.pk])
                    ),
                }
            )
        return found


#: (prefix, viewset, basename) of this app, registered by ``config.api_urls``.
ROUTES = (
    ("applications", ApplicationViewSet, "application"),
    ("decisions", DecisionViewSet, "decision"),
)
