import pytest
from django.urls import reverse

@pytest.mark.django_db
def test_dump(client, quality_manager):
    client.force_login(quality_manager)
    html = client.get(reverse("core:site-settings")).content.decode()
    open("/tmp/h2t/settings.html", "w").write(html)
    html = client.get(reverse("core:closure-list") + "?year=2025").content.decode()
    open("/tmp/h2t/closures.html", "w").write(html)
    html = client.get(reverse("core:closure-create")).content.decode()
    open("/tmp/h2t/closure_form.html", "w").write(html)
