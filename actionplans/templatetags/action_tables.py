"""``{% action_rows actions show_plan %}``: the rows of a table of actions (``actionplans/_action_table.html``),
written in Python. The action list shows 50 rows and a plan page up to a page per axis: through the template
engine, the rows cost more than the rest of those pages. ``actionplans/tests/test_views.py`` checks them against the
template markup they replace (``ACTION_ROW``)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actionplans.models import Action
from qms.core.templatetags.french_dates import date as french_date
from qms.core.templatetags.qms_layout import content_lang
from qms.core.templatetags.qms_lists import choice_labels, progress_bar, status_badge

register = template.Library()


@register.simple_tag
def rollup_badges(rollup) -> SafeString:
    """A section's progress as badges (its share done, done of total, late), written in Python: a plan page shows
    one for the plan, each axis and each objective. ``actionplans/tests/test_views.py`` checks it against the
    template markup it replaces."""
    if rollup.total:
        badges = [
            format_html(
                '<span class="badge text-bg-{}">{}</span>',
                rollup.badge,
                _("%(share)s %% done") % {"share": rollup.done_share},
            ),
            format_html(
                '<span class="badge text-bg-light border">{}</span>',
                ngettext("%(done)s of %(counter)s action", "%(done)s of %(counter)s actions", rollup.total)
                % {"done": rollup.done, "counter": rollup.total},
            ),
        ]
        if rollup.late:
            badges.append(
                format_html(
                    '<span class="badge text-bg-danger">{}</span>',
                    ngettext("%(counter)s late", "%(counter)s late", rollup.late) % {"counter": rollup.late},
                )
            )
    else:
        badges = [format_html('<span class="badge text-bg-secondary">{}</span>', _("No action"))]
    return format_html(
        '<span class="qms-rollup d-inline-flex flex-wrap align-items-center gap-1" data-total="{}" data-done="{}" '
        'data-late="{}">{}</span>',
        rollup.total,
        rollup.done,
        rollup.late,
        mark_safe("".join(badges)),  # noqa: S308 - each badge is built by format_html
    )


@register.simple_tag
def my_work_items(actions, checks=False, today=None) -> SafeString:
    """The items of the home page's "My actions" panel, written in Python (the panel is on every home page; through
    the template engine, its items cost more than the rest of the page): the late actions, or with ``checks`` the
    effectiveness checks to make, overdue before ``today``. ``actionplans/tests/test_views.py`` checks them against
    the template markup they replace."""
    lang = content_lang()
    overdue = format_html(' <span class="badge text-bg-danger">{}</span>', _("overdue"))
    items = []
    for action in actions:
        if checks:
            url = reverse("actionplans:action-effectiveness", args=[action.pk])
            when = _("check by %(date)s") % {"date": date_format(action.effectiveness_due, "SHORT_DATE_FORMAT")}
            badge = overdue if action.effectiveness_due < today else ""
        else:
            url = action.get_absolute_url()
            when = _("due %(date)s") % {"date": date_format(action.deadline, "SHORT_DATE_FORMAT")}
            badge = ""
        items.append(
            format_html(
                '<li class="mb-1"><a href="{}"{}>{}</a> <span class="small text-body-secondary">— <span{}>{}</span> · '
                "{}</span>{}</li>",
                url,
                lang,
                str(action),
                lang,
                action.plan,
                when,
                badge,
            )
        )
    return mark_safe("".join(items))  # noqa: S308 - each item is built by format_html


@register.simple_tag
def action_rows(actions, show_plan=False) -> SafeString:
    lang = content_lang()
    status_label = choice_labels(Action, "status")
    answers, late_label = _("Answers:"), _("Late")
    rows = []
    for action in actions:
        main = []
        if action.reference:
            main.append(format_html('<span class="small text-body-secondary d-md-none">{} </span>', action.reference))
        main.append(format_html('<a href="{}"{}>{}</a>', action.get_absolute_url(), lang, action.title))
        objective = action.objective if show_plan and action.objective_id else None
        if objective is not None:
            axis = format_html("{} › ", objective.axis.title) if objective.axis_id else ""
            main.append(format_html('<div class="small text-body-secondary"{}>{}{}</div>', lang, axis, objective.title))
        origin = getattr(action, "described_origin", None)
        if origin:
            source = format_html('<a href="{}">{}</a>', origin.url, origin.text) if origin.url else origin.text
            main.append(format_html('<div class="small text-body-secondary" data-origin>{} {}</div>', answers, source))
        owner = action.owner_display or "—"
        plan_title = action.plan.title if show_plan else ""
        folded_plan = format_html("<span{}>{}</span> · ", lang, plan_title) if show_plan else ""
        main.append(format_html('<div class="small text-body-secondary d-lg-none">{}{}</div>', folded_plan, owner))
        if show_plan:
            main.append(
                format_html(
                    '<div class="small text-body-secondary d-none d-lg-block d-xl-none"{}>{}</div>', lang, plan_title
                )
            )
        deadline = french_date(action.deadline, "SHORT_DATE_FORMAT") if action.deadline else ""
        status = [status_badge(action.status, status_label(action.status), action.status_badge)]
        if action.is_late:
            status.append(format_html(' <span class="badge text-bg-danger" data-late="1">{}</span>', late_label))
        if deadline:
            status.append(format_html('<div class="small text-nowrap d-sm-none">{}</div>', deadline))
        rows.append(
            format_html(
                '<tr data-action-id="{pk}"{late}>'
                '<td class="text-nowrap d-none d-md-table-cell">{reference}</td>'
                '<td class="qms-cell-main">{main}</td>'
                "{plan}"
                '<td class="small d-none d-lg-table-cell">{owner}</td>'
                '<td class="text-nowrap d-none d-sm-table-cell">{deadline}</td>'
                "<td>{status}</td>"
                '<td class="d-none d-sm-table-cell">{progress}</td>'
                "</tr>",
                pk=action.pk,
                late=mark_safe(' class="table-danger"') if action.is_late else "",
                reference=action.reference,
                main=mark_safe("".join(main)),  # noqa: S308 - each part is built by format_html
                plan=format_html('<td class="small d-none d-xl-table-cell"{}>{}</td>', lang, plan_title)
                if show_plan
                else "",
                owner=owner,
                deadline=deadline or "—",
                status=mark_safe("".join(status)),  # noqa: S308 - each part is built by format_html
                progress=progress_bar(action.progress),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - each row is built by format_html
