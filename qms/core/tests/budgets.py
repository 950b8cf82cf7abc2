"""What a query budget depends on besides the page: where the session is read from.

With a shared cache (Redis: CI, production) sessions are read from it (``cached_db``) and a signed-in request
runs one query less than on the embedded default, where they are read from the database. Budgets that pin an
exact count add ``SESSION_READ``."""

from django.conf import settings

SESSION_READ = 0 if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db" else 1
