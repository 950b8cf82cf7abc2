"""PDF rendering: one helper turns a template into PDF bytes with WeasyPrint.

Templates extend ``pdf/base.html`` (A4, the institution's name and logo, the generation date and "page X / Y"
in the footer). Static files and media are read from disk through ``LocalOnlyFetcher``: a PDF never reaches
the network, so it renders the same offline, in a worker, and cannot be turned into a request forger by a URL
that slipped into the content.

Each report is a class with ``render() -> (filename, content_type, bytes)``; ``pdf_response`` serves one as a
download::

    class ProcessSheet(PdfReport):
        template_name = "processes/pdf/sheet.html"

        def __init__(self, process, **kwargs):
            super().__init__(**kwargs)
            self.process = process

        def get_filename(self) -> str:
            return f"fiche-{self.process.code}.pdf"

        def get_context(self) -> dict:
            return {"process": self.process}
"""

from __future__ import annotations

import logging
import mimetypes
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

PDF_CONTENT_TYPE = "application/pdf"

# The base URL of a PDF rendered without a request. Relative URLs ("/static/…") resolve against it, and the
# fetcher maps them back to files; the host itself is never contacted.
_OFFLINE_BASE_URL = "http://qms.invalid/"


class PdfError(Exception):
    """A PDF could not be rendered."""


def _url_prefix(url: str) -> str:
    """The path part of a STATIC_URL or MEDIA_URL, with slashes on both sides ("static/" → "/static/")."""
    path = urlsplit(url).path or "/"
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


class LocalOnlyFetcher(URLFetcher):
    """Serve ``/static/…`` from the static files finders (or STATIC_ROOT), ``/media/…`` from the default storage,
    and ``data:`` URLs inline. Anything else (another host, ``file:``, ``ftp:``…) is refused."""

    def __init__(self, base_url: str) -> None:
        super().__init__(timeout=1, allowed_protocols=("http", "https", "data"), allow_redirects=False)
        self.base_host = urlsplit(base_url).netloc
        self.static_prefix = _url_prefix(settings.STATIC_URL)
        self.media_prefix = _url_prefix(settings.MEDIA_URL)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc != self.base_host:
            raise ValueError(f"PDF rendering does not fetch external resources: {url}")
        path = unquote(parts.path)
        if path.startswith(self.static_prefix):
            body = self._read_static(path[len(self.static_prefix) :])
        elif path.startswith(self.media_prefix):
            body = self._read_media(path[len(self.media_prefix) :])
        else:
            raise ValueError(f"PDF rendering only reads static and media files: {url}")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    @staticmethod
    def _read_static(name: str) -> bytes:
        if ".." in name.split("/"):
            raise ValueError(f"Refused static path: {name}")
        found = finders.find(name)
        if found:
            with open(found, "rb") as handle:
                return handle.read()
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name, "rb") as handle:
                return handle.read()
        raise FileNotFoundError(f"No static file {name}")

    @staticmethod
    def _read_media(name: str) -> bytes:
        # The storage refuses names that leave MEDIA_ROOT (SuspiciousFileOperation).
        with default_storage.open(name, "rb") as handle:
            return handle.read()


def pdf_base_url(request: HttpRequest | None = None) -> str:
    """The URL that relative links of a PDF resolve against: the request's site, else an offline placeholder."""
    if request is not None:
        return request.build_absolute_uri("/")
    return _OFFLINE_BASE_URL


def pdf_context(context: dict[str, Any]) -> dict[str, Any]:
    """``context`` plus what ``pdf/base.html`` needs: the site settings and the generation time."""
    from qms.core.models import SiteSettings

    site_settings = SiteSettings.get()
    return {
        "site_settings": site_settings,
        "institution_name": site_settings.institution_name,
        "generated_at": timezone.localtime(),
        **context,
    }


def render_pdf(template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """Render ``template_name`` with ``context`` to PDF bytes."""
    html = render_to_string(template_name, pdf_context(context), request=request)
    base_url = pdf_base_url(request)
    try:
        return HTML(string=html, base_url=base_url, url_fetcher=LocalOnlyFetcher(base_url)).write_pdf()
    except Exception as exc:  # WeasyPrint raises many kinds; callers need one
        logger.exception("PDF rendering failed for %s", template_name)
        raise PdfError(str(exc)) from exc


class PdfReport:
    """A PDF report: subclasses set ``template_name`` and override ``get_context`` and ``get_filename``."""

    template_name: str = ""
    filename: str = "report.pdf"
    content_type: str = PDF_CONTENT_TYPE

    def __init__(self, *, request: HttpRequest | None = None) -> None:
        self.request = request

    def get_context(self) -> dict[str, Any]:
        return {}

    def get_filename(self) -> str:
        return self.filename

    def get_template_names(self) -> str:
        if not self.template_name:
            raise PdfError(f"{type(self).__name__} has no template_name.")
        return self.template_name

    def render(self) -> tuple[str, str, bytes]:
        """Return ``(filename, content_type, pdf_bytes)``."""
        content = render_pdf(self.get_template_names(), self.get_context(), request=self.request)
        return safe_filename(self.get_filename(), default=self.filename), self.content_type, content


def safe_filename(name: str, *, default: str = "report.pdf") -> str:
    """A file name safe for a Content-Disposition header and a file system ("Fiche processus/1.pdf" →
    "Fiche_processus1.pdf"); ``default`` when nothing usable is left."""
    name = name.replace("/", "").replace("\\", "")
    try:
        name = get_valid_filename(name).lstrip(".")
    except SuspiciousFileOperation:
        return default
    stem = name.rsplit(".", 1)[0]
    return name if any(char.isalnum() for char in stem) else default


def pdf_response(report: PdfReport, *, inline: bool = False) -> HttpResponse:
    """Serve ``report`` as a download (or inline in the browser when ``inline``)."""
    filename, content_type, content = report.render()
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    return response
