"""``{% helpdesk_settings as helpdesk %}``: the helpdesk's settings in force, for templates and emails that show
its deadlines, retention periods or contacts (read from the shared cache)."""

from __future__ import annotations

from django import template
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from complaints.models import Complaint, HelpdeskSettings
from qms.core.templatetags.french_dates import date as french_date
from qms.core.templatetags.qms_layout import colon, content_lang, in_content_lang
from qms.core.templatetags.qms_lists import choice_labels, status_badge

register = template.Library()


@register.simple_tag
def helpdesk_settings() -> HelpdeskSettings:
    return HelpdeskSettings.get()


@register.simple_tag
def complaint_due(complaint) -> str:
    """The deadline a request is held to now, saying which one it is (a tag rather than an include: the inbox
    shows it twice on each of its rows)."""
    if complaint.is_paused:
        return format_html('<span class="text-body-secondary">{}</span>', _("paused"))
    if not complaint.current_due:
        return "—"
    which = _("Take charge by") if complaint.current_due_kind == "take_charge" else _("Answer by")
    overdue = format_html(' <span class="badge text-bg-danger">{}</span>', _("overdue")) if complaint.overdue else ""
    return format_html(
        '<span class="small text-body-secondary d-block">{}</span><span class="text-nowrap">{}</span>{}',
        which,
        date_format(complaint.current_due, "SHORT_DATE_FORMAT"),
        overdue,
    )


@register.simple_tag
def my_request_items(complaints) -> SafeString:
    """The items of the home page's "Requests to handle" panel, written in Python (the panel is on every home page;
    through the template engine, its ten items cost more than the rest of the page). ``complaints/tests/
    test_panels.py`` checks them against the template markup they replace."""
    status_label = choice_labels(Complaint, "status")
    paused, take_charge_by, answer_by, overdue = _("paused"), _("Take charge by"), _("Answer by"), _("overdue")
    items = []
    for complaint in complaints:
        if complaint.is_paused:
            due = format_html(" · {}", paused)
        elif complaint.current_due:
            which = take_charge_by if complaint.current_due_kind == "take_charge" else answer_by
            due = format_html(" · {} {}", which, date_format(complaint.current_due, "SHORT_DATE_FORMAT"))
        else:
            due = ""
        items.append(
            format_html(
                '<li class="mb-1" data-my-request="{reference}"><a href="{url}"{lang}>{name}</a> '
                '<span class="small text-body-secondary">— {status}{due}</span>{overdue}</li>',
                reference=complaint.reference,
                url=complaint.get_absolute_url(),
                lang=content_lang(complaint.language),
                name=str(complaint),
                status=status_label(complaint.status),
                due=due,
                overdue=format_html(' <span class="badge text-bg-danger">{}</span>', overdue)
                if complaint.overdue
                else "",
            )
        )
    return mark_safe("".join(items))  # noqa: S308 - each item is built by format_html


@register.simple_tag
def inbox_rows(complaints) -> SafeString:
    """The inbox's rows, written in Python: through the template engine, 50 rows cost more than the rest of the page
    (about 2,800 variable lookups and 1,100 translations). ``complaints/tests/test_inbox.py`` checks them against
    the template markup they replace (``INBOX_ROW``)."""
    assignee = format_html("{}{}", _("Assignee"), colon())
    received = _("Received")
    kind_label, status_label = choice_labels(Complaint, "kind"), choice_labels(Complaint, "status")
    rows = []
    for complaint in complaints:
        unit = in_content_lang(complaint.org_unit) or "—"
        person = conditional_escape(complaint.assignee) if complaint.assignee else "—"
        day = french_date(template_localtime(complaint.received_at), "SHORT_DATE_FORMAT")
        due = complaint_due(complaint)
        rows.append(
            format_html(
                '<tr data-reference="{reference}"{overdue}>'
                '<td class="qms-cell-main"><a class="text-nowrap fw-semibold" href="{url}">{reference}</a>'
                "<div{lang}>{subject}</div>"
                '<div class="small text-body-secondary">{kind}<span class="d-md-none"> · {unit}</span>'
                '<span class="d-xl-none"> · {assignee} {person}</span>'
                '<span class="d-lg-none"> · {received} {day}</span></div></td>'
                '<td>{badge}<div class="small d-md-none">{due}</div></td>'
                '<td class="small d-none d-md-table-cell">{unit}</td>'
                '<td class="small d-none d-xl-table-cell">{person}</td>'
                '<td class="text-nowrap d-none d-lg-table-cell">{day}</td>'
                '<td class="d-none d-md-table-cell" data-due>{due}</td>'
                "</tr>",
                reference=complaint.reference,
                overdue=mark_safe(' class="table-danger" data-overdue') if complaint.overdue else "",
                url=complaint.get_absolute_url(),
                lang=content_lang(complaint.language),
                subject=Truncator(complaint.subject).chars(80),
                kind=kind_label(complaint.kind),
                unit=unit,
                assignee=assignee,
                person=person,
                received=received,
                day=day,
                badge=status_badge(complaint.status, status_label(complaint.status), complaint.status_badge),
                due=due,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - each row is built by format_html
