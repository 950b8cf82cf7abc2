"""The production URLconf plus the ceiling view (``benchmarks.settings`` only)."""

from django.urls import path

from benchmarks.views import ceiling
from qms.urls import handler403, handler404, handler500  # noqa: F401
from qms.urls import urlpatterns as production_urlpatterns

urlpatterns = [path("benchmark/ceiling/", ceiling, name="benchmark-ceiling"), *production_urlpatterns]
