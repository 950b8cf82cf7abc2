"""The frame of data tables: ``{% data_table %}`` wraps a table's rows in ``templates/includes/table.html``.

    {% load qms_lists %}
    {% data_table caption=_("Actions of the plan") class="table-sm table-hover align-middle" data_inbox="" %}
      <thead>…</thead>
      <tbody>…</tbody>
    {% end_data_table %}

``caption`` is required: every data table has one (RGAA 5.4). It is read by screen readers only, unless
``caption_visible=True``. ``class`` adds to Bootstrap's ``table`` class; any other keyword becomes an attribute of
the table, underscores turned into hyphens (``data_inbox=""`` gives ``data-inbox``).
"""

from __future__ import annotations

from django import template
from django.template.base import token_kwargs
from django.utils.safestring import mark_safe

register = template.Library()

TEMPLATE = "includes/table.html"
OPTIONS = {"caption", "caption_visible", "class"}


class DataTableNode(template.Node):
    def __init__(self, nodelist, options: dict) -> None:
        self.nodelist = nodelist
        self.options = options

    def render(self, context) -> str:
        values = {name: value.resolve(context) for name, value in self.options.items()}
        caption = values.get("caption")
        if caption in (None, ""):
            raise template.TemplateSyntaxError("data_table: the caption is empty (every data table has one).")
        attrs = [(name.replace("_", "-"), value) for name, value in values.items() if name not in OPTIONS]
        body = self.nodelist.render(context)
        frame = context.template.engine.get_template(TEMPLATE)
        with context.push(
            caption=caption,
            caption_visible=bool(values.get("caption_visible")),
            table_class=values.get("class") or "table-sm align-middle",
            attrs=attrs,
            body=mark_safe(body),  # noqa: S308 - rendered by the template engine, escaped there
        ):
            return frame.render(context)


@register.tag("data_table")
def data_table(parser, token) -> DataTableNode:
    bits = token.split_contents()
    tag = bits.pop(0)
    options = token_kwargs(bits, parser)
    if bits:
        raise template.TemplateSyntaxError(f"{tag} takes keyword arguments only (caption=…).")
    if "caption" not in options:
        raise template.TemplateSyntaxError(f"{tag} needs a caption: every data table has one (RGAA 5.4).")
    nodelist = parser.parse(("end_data_table",))
    parser.delete_first_token()
    return DataTableNode(nodelist, options)
