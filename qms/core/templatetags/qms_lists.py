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

from django import forms, template
from django.conf import settings
from django.template.base import token_kwargs
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

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


# --- Filter fields ----------------------------------------------------------------------------------------------
# A list's filters are rendered on every page of it, and crispy-forms renders a drop-down's options one template
# each: the filters of the action list cost more than its 50 rows. ``{% filter_field field %}`` writes the same
# markup as ``{{ field|as_crispy_field }}`` (Bootstrap 5) for a plain drop-down, in Python, and hands every other
# field (errors, help text, required, other widgets) to crispy-forms. ``qms/core/tests/test_lists.py`` renders
# every filter of every app both ways and checks they are the same.
SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
# The widgets whose markup is Django's ``input.html`` alone.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "date", "number", "email", "search", "url", "datetime", "time", "checkbox")
)
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
REQUIRED_MARK = '<span class="asteriskField">*</span>'
# django-filter's range of two inputs with "-" between them.
RANGE_TEMPLATE = "django_filters/widgets/multiwidget.html"


def _attrs_html(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _plain_select(field) -> bool:
    widget = field.field.widget
    return (
        isinstance(widget, forms.Select)
        and widget.template_name == SELECT_TEMPLATE
        and widget.option_template_name == OPTION_TEMPLATE
        and not field.use_fieldset
        and _simple(field)
    )


def _crispy_class(widget, extra: str = "form-select") -> str:
    """The class crispy-forms gives ``widget`` (``CrispyFieldNode``): its own, its class name (converted), then
    each of ``extra``'s classes it lacks (a drop-down's "form-select")."""
    class_name = widget.__class__.__name__.lower()
    class_name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(class_name, class_name)
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    for name in extra.split():
        if name not in css_class.split():
            css_class += f" {name}"
    return css_class


def _simple(field) -> bool:
    """A field shown with its label, without an error or a class of its own (a required mark and a help text are
    written here too)."""
    return not field.is_hidden and not field.errors and not field.css_classes() and bool(field.label)


def _plain(field) -> bool:
    """A simple field without a required mark or a help text either."""
    return _simple(field) and not field.help_text and not field.field.required


def _labelled(field, widget_html: str) -> str:
    """The frame crispy-forms puts around a text box or a drop-down: its label (with the required mark), the widget,
    then the help text (trusted, as crispy-forms shows it)."""
    required = field.field.required
    label_for = f' for="{conditional_escape(field.id_for_label)}"' if field.id_for_label else ""
    label_class = "form-label requiredField" if required else "form-label"
    mark = REQUIRED_MARK if required else ""
    help_text = ""
    if field.help_text:
        help_text = f'<div id="{conditional_escape(field.auto_id)}_helptext" class="form-text">{field.help_text}</div>'
    return (
        f'<div id="div_{conditional_escape(field.auto_id)}" class="mb-3">'
        f'<label{label_for} class="{label_class}">{conditional_escape(field.label)}{mark}</label>'
        f"{widget_html}{help_text}</div>"
    )


def _with_crispy_class(widget, extra: str) -> None:
    """Give ``widget`` the class crispy-forms gives it; crispy-forms keeps it on the widget, and so does this."""
    widget.attrs["class"] = _crispy_class(widget, extra)


def _widget_context(field) -> dict:
    """What Django renders ``field``'s widget from (``BoundField.as_widget``)."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({})
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    return widget.get_context(field.html_name, field.value(), attrs)["widget"]


def _input_html(context: dict) -> str | None:
    """``django/forms/widgets/input.html`` (text, date, number, checkbox …), or None for another template."""
    if context["template_name"] not in INPUT_TEMPLATES:
        return None
    value = context["value"]
    value = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(context["type"])}" name="{conditional_escape(context["name"])}"'
        f"{value}{_attrs_html(context['attrs'])}>"
    )


def _fieldset(field, body: str) -> str:
    return (
        f'<div id="div_{conditional_escape(field.auto_id)}" class="mb-3"><fieldset>'
        f'<legend class="form-label fs-6">{conditional_escape(field.label)}</legend>{body}</fieldset></div>'
    )


def _plain_select_html(field) -> str:
    widget = field.field.widget
    attrs = {**widget.attrs, "class": _crispy_class(widget)}
    attrs = field.build_widget_attrs(attrs)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    options = []
    for group_name, group_choices, _index in context["optgroups"]:
        if group_name:
            options.append(f'<optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            value, label = conditional_escape(str(option["value"])), conditional_escape(option["label"])
            options.append(f'<option value="{value}"{_attrs_html(option["attrs"])}>{label}</option>')
        if group_name:
            options.append("</optgroup>")
    return _labelled(
        field,
        f'<select name="{conditional_escape(context["name"])}"{_attrs_html(context["attrs"])}>'
        f"{''.join(options)}</select>",
    )


def _checkbox_html(field) -> str | None:
    _with_crispy_class(field.field.widget, "form-check-input")
    widget_html = _input_html(_widget_context(field))
    if widget_html is None:
        return None
    return (
        f'<div class="mb-3"><div id="div_{conditional_escape(field.auto_id)}" class="form-check">{widget_html}'
        f'<label for="{conditional_escape(field.id_for_label)}" class="form-check-label">'
        f"{conditional_escape(field.label)}</label></div></div>"
    )


def _checkboxes_html(field) -> str:
    from crispy_forms.templatetags.crispy_forms_filters import optgroups

    options = []
    for group, group_options, _index in optgroups(field):
        if group:
            options.append(f"<strong>{conditional_escape(group)}</strong>")
        for option in group_options:
            options.append(
                f'<div class="form-check"><input type="{conditional_escape(option["type"])}" class="form-check-input"'
                f' name="{conditional_escape(field.html_name)}" value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs_html(option['attrs'])}>"
                f'<label for="{conditional_escape(option["attrs"].get("id", ""))}" class="form-check-label">'
                f"{conditional_escape(option['label'])}</label></div>"
            )
    return _fieldset(field, f"<div>{''.join(options)}</div>")


def _range_html(field) -> str | None:
    widget = field.field.widget
    if widget.template_name != RANGE_TEMPLATE:
        return None
    for subwidget in widget.widgets:
        _with_crispy_class(subwidget, "form-control")
    parts = [_input_html(sub) for sub in _widget_context(field)["subwidgets"]]
    if len(parts) != 2 or None in parts:
        return None
    return _fieldset(field, f"{parts[0]}-{parts[1]}")


def _input_field_html(field) -> str | None:
    _with_crispy_class(field.field.widget, "form-control")
    context = _widget_context(field)
    if context["template_name"] == TEXTAREA_TEMPLATE:
        value = conditional_escape(context["value"]) if context["value"] else ""
        name = conditional_escape(context["name"])
        widget_html = f'<textarea name="{name}"{_attrs_html(context["attrs"])}>\n{value}</textarea>'
    else:
        widget_html = _input_html(context)
    return None if widget_html is None else _labelled(field, widget_html)


@register.simple_tag
def filter_field(field) -> str:
    """A field as crispy-forms' Bootstrap 5 field renders it, written in Python when it is simple (no error, no
    class of its own): a drop-down, a text, date or number box or a text area (with their required mark and help
    text), and, when they have neither, a checkbox, a list of checkboxes, a date range. Any other field goes to
    crispy-forms. ``{% form_field %}`` is the same, for the fields of a form that is not a filter."""
    widget = field.field.widget
    html = None
    if _plain_select(field):
        html = _plain_select_html(field)
    elif _plain(field):
        if isinstance(widget, forms.CheckboxSelectMultiple):
            html = _checkboxes_html(field)
        elif isinstance(widget, forms.CheckboxInput):
            html = _checkbox_html(field)
        elif isinstance(widget, forms.MultiWidget):
            html = _range_html(field)
    is_box = isinstance(widget, forms.Textarea | forms.widgets.Input)
    is_box = is_box and not isinstance(widget, forms.FileInput | forms.CheckboxInput)
    if html is None and is_box and _simple(field) and not field.use_fieldset:
        html = _input_field_html(field)
    if html is None:
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(field)
    # Every value is escaped but the help text, which crispy-forms trusts too (it is written in the code).
    return mark_safe(html)  # noqa: S308


register.simple_tag(filter_field, name="form_field")


# --- Cells repeated on every row ----------------------------------------------------------------------------------
# An ``{% include %}`` costs a template render per row; these cells are written in Python.
def choice_labels(model, field_name: str):
    """The label of each value of ``model``'s choice field ``field_name``, in the active language, for a whole
    table: ``labels(value)`` says what ``obj.get_<field>_display()`` says, which builds a dictionary of every
    choice (hashing and translating each label) at each call, 50 rows × 2 columns on a list page."""
    labels = {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}
    return lambda value: labels.get(value, value)


@register.simple_tag
def status_badge(status, label, badge=None) -> str:
    """A status as a badge: its label in words (never colour alone), its colour, and its value for tests and
    scripts (``includes/status_badge.html`` renders the same)."""
    return format_html('<span class="badge text-bg-{}" data-status="{}">{}</span>', badge or "secondary", status, label)


@register.simple_tag
def progress_bar(value) -> str:
    """A progress bar with its figure beside it, never inside: a label inside a bar of fixed height is clipped as
    soon as a reader spaces the text out (WCAG 1.4.12), and is unreadable on a bar near 0 %."""
    value = value or 0
    return format_html(
        '<div class="qms-progress"><div class="progress" role="progressbar" aria-label="{}" aria-valuenow="{}" '
        'aria-valuemin="0" aria-valuemax="100"><div class="progress-bar{}" style="width: {}%"></div></div>'
        '<span class="qms-progress-label" aria-hidden="true">{}\xa0%</span></div>',
        _("Progress"),
        value,
        " bg-success" if value == 100 else "",
        value,
        value,
    )
