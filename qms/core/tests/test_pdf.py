import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from qms.core.charts import bar_chart
from qms.core.models import SiteSettings
from qms.core.pdf import LocalOnlyFetcher, PdfReport, pdf_response, render_pdf, safe_filename

pytestmark = pytest.mark.django_db

REPORT = """{% extends "pdf/base.html" %}
{% block title %}Rapport de test{% endblock %}
{% block content %}
<h1>Revue de direction {{ year }}</h1>
{% for row in rows %}<p>Ligne {{ row }} : {{ text }}</p>{% endfor %}
<div class="chart">{{ chart }}</div>
{% endblock %}
"""


@pytest.fixture
def pdf_templates(settings, tmp_path):
    """A report template in a directory of its own, as an app's templates/ would hold it."""
    (tmp_path / "report.html").write_text(REPORT, encoding="utf-8")
    (tmp_path / "fetch.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<p>Images</p>'
        '{% for url in urls %}<img src="{{ url }}" alt="">{% endfor %}{% endblock %}',
        encoding="utf-8",
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]},
    ]
    return tmp_path


def _read(content: bytes) -> PdfReader:
    assert content.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(content))


def _all_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_it_renders_a_template_to_a_pdf_with_its_text(pdf_templates):
    content = render_pdf("report.html", {"year": 2026, "rows": range(3), "text": "réclamations traitées"})
    reader = _read(content)
    text = _all_text(reader)
    assert "Revue de direction 2026" in text
    assert "Ligne 2 : réclamations traitées" in text
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    assert reader.pages[0].mediabox.height == pytest.approx(841.89, abs=1)


def test_the_footer_carries_page_numbers_institution_and_date(pdf_templates, time_machine):
    time_machine.move_to("2026-03-02 10:00 +01:00")
    with translation.override("fr"):  # French dates: day first
        content = render_pdf("report.html", {"year": 2026, "rows": range(150), "text": "x"})
    reader = _read(content)
    assert len(reader.pages) >= 3
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"{number} / {total}" in text
        assert "02/03/2026" in text
    assert "Université de démonstration" in reader.pages[-1].extract_text().replace("\n", " ")


def test_the_institution_name_comes_from_the_site_settings(pdf_templates):
    site = SiteSettings.load()
    site.institution_name = "Université de Haute-Alsace"
    site.save()
    text = _all_text(_read(render_pdf("report.html", {"rows": [], "year": 2026})))
    assert "Université de Haute-Alsace" in text.replace("\n", " ")


def test_user_content_is_escaped_not_interpreted(pdf_templates):
    content = render_pdf("report.html", {"rows": [1], "text": "<b>gras</b> & <script>x</script>", "year": 1})
    assert "<b>gras</b> & <script>x</script>" in _all_text(_read(content))


def test_an_svg_chart_renders_inside_a_pdf(pdf_templates):
    chart = bar_chart(["2024", "2025"], [("Reçues", [12, 30])], title="Réclamations reçues")
    content = render_pdf("report.html", {"rows": [], "chart": chart, "year": 2026})
    text = _all_text(_read(content))
    assert "2024" in text and "2025" in text and "Reçues" in text


def test_the_logo_is_read_from_the_media_storage(pdf_templates, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), "#1f3b73").save(buffer, "PNG")
    site = SiteSettings.load()
    site.logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    site.save()
    reader = _read(render_pdf("report.html", {"rows": [], "year": 2026}))
    images = reader.pages[0].images
    assert len(images) == 1


def test_static_files_are_read_without_the_network(pdf_templates, settings, tmp_path):
    static_dir = tmp_path / "static"
    (static_dir / "img").mkdir(parents=True)
    Image.new("RGB", (10, 10), "red").save(static_dir / "img" / "dot.png", "PNG")
    settings.STATICFILES_DIRS = [static_dir]
    reader = _read(render_pdf("fetch.html", {"urls": ["/static/img/dot.png"]}))
    assert len(reader.pages[0].images) == 1


def test_external_and_local_file_urls_are_refused(pdf_templates, caplog):
    urls = ["http://example.com/pixel.png", "file:///etc/hostname", "/admin/", "/media/../../etc/hostname"]
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        reader = _read(render_pdf("fetch.html", {"urls": urls}))
    assert len(reader.pages[0].images) == 0
    assert "Images" in reader.pages[0].extract_text()


def test_the_fetcher_refuses_other_hosts_and_schemes():
    fetcher = LocalOnlyFetcher("http://qms.invalid/")
    for url in ("http://example.com/static/x.css", "file:///etc/passwd", "ftp://qms.invalid/static/x.css"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    with pytest.raises(ValueError):
        fetcher.fetch("http://qms.invalid/static/../settings.py")


def test_a_request_gives_the_base_url(pdf_templates, quality_manager):
    request = RequestFactory().get("/revues/1/pdf/")
    request.user = quality_manager
    reader = _read(render_pdf("report.html", {"rows": [], "year": 2026}, request=request))
    assert "Revue de direction 2026" in _all_text(reader)


class _Report(PdfReport):
    template_name = "report.html"

    def __init__(self, year: int, **kwargs):
        super().__init__(**kwargs)
        self.year = year

    def get_filename(self) -> str:
        return f"revue de direction/{self.year}.pdf"

    def get_context(self) -> dict:
        return {"year": self.year, "rows": range(2), "text": "ok"}


def test_a_report_renders_its_filename_content_type_and_bytes(pdf_templates):
    filename, content_type, content = _Report(2026).render()
    assert filename == "revue_de_direction2026.pdf"
    assert content_type == "application/pdf"
    assert "Revue de direction 2026" in _all_text(_read(content))


def test_pdf_response_is_a_download(pdf_templates):
    response = pdf_response(_Report(2026))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="revue_de_direction2026.pdf"'
    assert "Revue de direction 2026" in _all_text(_read(response.content))


def test_safe_filename_falls_back_when_nothing_is_left():
    assert safe_filename("../..", default="rapport.pdf") == "rapport.pdf"
    assert safe_filename("Fiche processus P-01.pdf") == "Fiche_processus_P-01.pdf"
