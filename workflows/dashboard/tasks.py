"""Background work of the network's status pages (Celery)."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from labelling.network_status import Area
from workflows.dashboard import figures


@shared_task(acks_late=True)
def warm_network_status() -> str:
    """Compute the national page's figures ahead, so that no agent waits for them."""
    area = Area()
    year = timezone.localdate().year
    cache.set(
        figures.cache_key(area, year),
        figures.compute(user=None, area=area, year=year),
        figures.seconds(),
    )
    return figures.cache_key(area, year)
