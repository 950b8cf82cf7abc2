"""Post one section of the "Paramètres" page in tests, as the browser would: every field of the section as shown,
then the changes."""

from __future__ import annotations

from django.urls import reverse

from qms.core.app_settings import declared_sections

URL = reverse("core:site-settings")


def section_post(key: str, **changes) -> dict:
    """The post of section ``key``: its fields as the page shows them, with ``changes`` (field names unprefixed)."""
    section = next(section for section in declared_sections() if section.key == key)
    form = section.form_class(instance=section.model.load(), prefix=key)
    data = {"section": key}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[form[name].html_name] = value
    for name, value in changes.items():
        data[f"{key}-{name}"] = value
    return data


def save_section(client, key: str, **changes):
    return client.post(URL, section_post(key, **changes))
