"""Background work of the labelling app (Celery)."""

from __future__ import annotations

from collections.abc import Iterator

from celery import shared_task
from django.utils import timezone

from labelling.conformity.declaration import today_in_paris
from labelling.conformity.impact import ImpactItem, compute_impact
from labelling.declarations import declaration_from_place, with_declaration_data
from labelling.models import ImpactRun, Place
from labelling.models.impact import ImpactStatus
from labelling.versions.store import version_in_force, version_spec_from_model

CHUNK = 500


def _items(place_ids: list) -> Iterator[ImpactItem]:
    """Every place's current declaration, loaded a chunk at a time."""
    for start in range(0, len(place_ids), CHUNK):
        places = with_declaration_data(
            Place.objects.filter(pk__in=place_ids[start : start + CHUNK]).select_related(
                "departement__region"
            )
        )
        for place in places:
            departement = place.departement
            yield ImpactItem(
                key=str(place.pk),
                name=place.name,
                region=departement.region.name,
                departement=f"{departement.code} — {departement.name}",
                declaration=declaration_from_place(place),
            )


@shared_task(acks_late=True)
def compute_impact_run(run_id: str) -> None:
    """Check every place against a draft and the version in force today; idempotent (a run
    already done is left alone, a retried one starts again)."""
    run = ImpactRun.objects.select_related("version").get(pk=run_id)
    if run.status == ImpactStatus.DONE:
        return
    # Places of the national list still waiting for their porteur have no declaration to check
    # (``selectors.declaration_gaps``): the study covers the places that have one.
    place_ids = list(
        Place.objects.filter(porteur__isnull=False).order_by("pk").values_list("pk", flat=True)
    )
    ImpactRun.objects.filter(pk=run.pk).update(
        status=ImpactStatus.RUNNING, total=len(place_ids), processed=0, error=""
    )
    try:
        results = compute_impact(
            items=_items(place_ids),
            draft=version_spec_from_model(run.version),
            baseline=version_in_force(on=today_in_paris()),
            on_progress=lambda done: ImpactRun.objects.filter(pk=run.pk).update(processed=done),
        )
    except Exception as exc:
        ImpactRun.objects.filter(pk=run.pk).update(
            status=ImpactStatus.FAILED, error=str(exc), finished_at=timezone.now()
        )
        raise
    ImpactRun.objects.filter(pk=run.pk).update(
        status=ImpactStatus.DONE,
        processed=len(place_ids),
        results=results,
        finished_at=timezone.now(),
    )


@shared_task(name="labelling.requeue_stale_impact_runs")
def requeue_stale_impact_runs(*, older_than_minutes: int = 10, within_days: int = 2) -> int:
    """For the beat schedule: impact studies still « en attente » some minutes after they were
    asked for (the broker was down when they were published, labelling.queueing.enqueue) are
    sent again; the task leaves a finished study alone."""
    import datetime

    from labelling.queueing import enqueue

    now = timezone.now()
    stale = ImpactRun.objects.filter(
        status=ImpactStatus.PENDING,
        created_at__lt=now - datetime.timedelta(minutes=older_than_minutes),
        created_at__gte=now - datetime.timedelta(days=within_days),
    )
    return sum(enqueue(compute_impact_run, str(pk)) for pk in stale.values_list("pk", flat=True))


@shared_task(acks_late=True)
def publish_opendata_files() -> list[str]:
    """Publish today's open-data files (``labelling.opendata.publish_opendata``); a retried run
    publishes them again, which changes nothing but their date of production."""
    from labelling.opendata import publish_opendata

    return [record.file.name for record in publish_opendata()]


@shared_task(acks_late=True)
def refresh_coverage() -> dict:
    """Recompute the coverage of the population (`labelling.coverage`); idempotent."""
    from labelling.coverage import refresh_coverage as refresh

    result = refresh()
    return {"communes": result.communes, "places_in_force": result.places_in_force}
