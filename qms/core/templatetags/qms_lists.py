"""The frame of data tables: ``{% data_table %}`` wraps a table's rows in ``templates/includes/table.html``.

    {% load qms_lists %}
    {% data_table caption=_("Actions of the plan") class="table-sm table-hover align-middle" data_inbox="" %}
      <thead>…</thead>
      <tbody>…</tbody>
    {% end_data_table %}

``caption`` is required: every data table has one (RGAA 5.4). It is read by screen readers only, unless
``caption_visible=True``. ``class`` adds to Bootstrap's ``table`` class; any other keyword becomes an attribute of
the table, underscores turned into hyphens (``data_inbox=""`` gives ``data-inbox``).

A table wider than the screen scrolls inside its wrapper, never the page (WCAG 1.4.10 allows it for data
tables); the wrapper is then a region named by the caption that the keyboard can reach and scroll. A table built
to fold its columns on a narrow screen, so that it never scrolls, says ``focusable=False``: no useless tab stop.
"""

from __future__ import annotations

from django import template
from django.template.base import token_kwargs
from django.utils.safestring import mark_safe

register = template.Library()

TEMPLATE = "includes/table.html"
OPTIONS = {"caption", "caption_visible", "class", "focusable"}
COUNTER = "qms_lists.tables"


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
        # Ids unique within the page: the n-th table rendered.
        number = context.render_context.get(COUNTER, 0) + 1
        context.render_context[COUNTER] = number
        with context.push(
            caption=caption,
            caption_id=f"table-caption-{number}",
            focusable=values.get("focusable", True) is not False,
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
