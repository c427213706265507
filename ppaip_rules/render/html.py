"""One self-contained HTML page per result: inline CSS and SVG, no script, no external link.

The page is meant to be opened from a file on a machine with no network, read,
and printed to PDF (the browser's « Imprimer », or ``chromium --headless
--print-to-pdf``). Its order is the same for every result: the stamp, the
summary and key figures (shown even when everything is compliant), the
violations, then the warnings, then the information, each with its clause,
« attendu », « constaté » and calculation, and the list of rules checked.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..frenchtext import format_date, format_datetime, format_moment, format_value
from ..model import Finding, Report, Severity

CSS = """
:root { --ink: #1b1f2a; --muted: #5a6172; --line: #d5d9e2; --accent: #2c4a9a;
        --bad: #b3261e; --warn: #8a5a00; --info: #1f5f8b; --ok: #1e6b34; }
* { box-sizing: border-box; }
body { font-family: "Marianne", Arial, Helvetica, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem;
     margin-top: 2rem; }
h3 { font-size: 1rem; margin: 0 0 .4rem; }
.stamp { color: var(--muted); font-size: .85rem; margin: 0 0 1rem; }
.verdict { display: inline-block; padding: .2rem .6rem; border-radius: .3rem;
           font-weight: bold; color: #fff; }
.verdict.conforme { background: var(--ok); } .verdict.incomplet { background: var(--warn); }
.verdict.non-conforme { background: var(--bad); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left;
         vertical-align: top; }
th { background: #f1f3f8; }
td.num { text-align: right; white-space: nowrap; }
.figures { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem;
           margin: .5rem 0 1rem; }
.figures dt { font-weight: bold; } .figures dd { margin: 0; }
.finding { border: 1px solid var(--line); border-left: 6px solid var(--info);
           padding: .6rem .8rem; margin: .6rem 0; page-break-inside: avoid;
           break-inside: avoid; }
.finding.violation { border-left-color: var(--bad); }
.finding.warning { border-left-color: var(--warn); }
.finding dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem;
              margin: .4rem 0 0; font-size: .9rem; }
.finding dt { color: var(--muted); } .finding dd { margin: 0; }
.finding ol { margin: 0; padding-left: 1.2rem; }
.none { color: var(--muted); font-style: italic; }
.chart svg { max-width: 100%; height: auto; }
.rules { columns: 2; font-size: .85rem; padding-left: 1.2rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  .chart { break-inside: avoid; }
}
"""

_SEVERITY_SECTIONS = (
    (Severity.VIOLATION, "Violations"),
    (Severity.WARNING, "Avertissements"),
    (Severity.INFO, "Informations"),
)


def e(value: Any) -> str:
    """Any value, written in French and escaped for HTML."""
    return escape(value if isinstance(value, str) else format_value(value), quote=True)


def page(title: str, stamp: Any, body: list[str]) -> str:
    as_of = f" · situation au {e(stamp.as_of)}" if stamp.as_of else ""
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="fr">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No request may leave the page, whatever it holds.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(title)}</h1>",
        f'<p class="stamp">ppaip-rules {e(stamp.version)} · paramètres : '
        f"{e(stamp.parameters)}{as_of}</p>",
        *body,
        "</body>",
        "</html>",
        "",
    ])


def figures(pairs: list[tuple[str, Any]]) -> str:
    items = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in pairs)
    return f'<dl class="figures">{items}</dl>'


def table(headers: tuple[str, ...], rows: list[tuple[Any, ...]],
          numeric: tuple[int, ...] = ()) -> str:
    if not rows:
        return '<p class="none">(aucune ligne)</p>'
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{e(c)}</td>' if i in numeric else f"<td>{e(c)}</td>"
                         for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def verdict_badge(report: Report) -> str:
    css = report.verdict.replace(" ", "-")
    return f'<p><span class="verdict {css}">{e(report.verdict.upper())}</span></p>'


def counts(report: Report) -> list[tuple[str, Any]]:
    n = {s: sum(f.severity is s for f in report.findings) for s in Severity}
    pairs = [("Règles vérifiées", len(report.checked)),
             ("Violations", n[Severity.VIOLATION]),
             ("Avertissements", n[Severity.WARNING]),
             ("Informations", n[Severity.INFO])]
    if report.missing_facts:
        pairs.append(("Informations manquantes", report.missing_facts))
    return pairs


def finding_block(f: Finding) -> str:
    rows = []
    if f.path:
        rows.append(("champ", e(f.path)))
    if f.expected is not None:
        rows.append(("attendu", e(f.expected)))
    if f.found is not None:
        rows.append(("constaté", e(f.found)))
    if f.trace:
        steps = "".join(f"<li>{e(step)}</li>" for step in f.trace)
        rows.append(("calcul", f"<ol>{steps}</ol>"))
    details = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return (f'<article class="finding {f.severity.value}">'
            f"<h3>{e(f.rule_id)} ({e(f.clause)}) — {e(f.title)}</h3>"
            f"<p>{e(f.message)}</p><dl>{details}</dl></article>")


def findings_sections(report: Report) -> list[str]:
    out = []
    for severity, title in _SEVERITY_SECTIONS:
        found = [f for f in report.findings if f.severity is severity]
        out.append(f"<h2>{title} ({len(found)})</h2>")
        out.extend(finding_block(f) for f in found) if found else out.append(
            '<p class="none">Aucune.</p>')
    return out


def rules_section(report: Report) -> list[str]:
    from ..model import get_rule

    items = []
    for rule_id in report.checked:
        try:
            r = get_rule(rule_id)
            items.append(f"<li>{e(r.id)} ({e(r.clause)}) — {e(r.title)}</li>")
        except Exception:  # an ID outside the registry: shown as is
            items.append(f"<li>{e(rule_id)}</li>")
    return [f"<h2>Règles vérifiées ({len(report.checked)})</h2>",
            f'<ul class="rules">{"".join(items)}</ul>']


def report_body(report: Report, summary: list[str] | None = None) -> list[str]:
    body = ["<h2>Résumé</h2>", verdict_badge(report)]
    body.extend(summary or [])
    body.append(figures([*report.figures, *counts(report)]))
    body.extend(findings_sections(report))
    body.extend(explanations_section(report))
    body.extend(rules_section(report))
    return body


def explanations_section(report: Report) -> list[str]:
    """With --expliquer: why each rule without a finding was satisfied or not decided."""
    if not report.explanations:
        return []
    items = []
    for x in report.explanations:
        steps = "".join(f"<li>{e(step)}</li>" for step in x.trace)
        items.append(f"<li>{e(x.rule_id)} ({e(x.clause)}) — {e(x.message)}<ol>{steps}</ol></li>")
    return [f"<h2>Explications des règles sans constat ({len(report.explanations)})</h2>",
            f'<ul class="explanations">{"".join(items)}</ul>']


# --- one page per kind of result ---------------------------------------------------------

def check_page(report: Report, stamp: Any) -> str:
    from ..checks import kinds

    titles = {k.name: k.title for k in kinds()}
    title = f"Contrôle « {report.subject} »"
    if report.subject in titles:
        title += f" — {titles[report.subject]}"
    return page(title, stamp, report_body(report))


def case_page(ev: Any, stamp: Any) -> str:
    from ..calendar import week_bounds
    from ..timeline import MET, MET_LATE, _due_day

    name = f"« {ev.case_id} »" if ev.case_id else "(sans identifiant)"
    stamp = _with_as_of(stamp, ev.as_of)
    h = ev.hours
    today = ev.as_of.date()
    _, sunday = week_bounds(today)
    done = [o for o in ev.obligations if o.status in (MET, MET_LATE)]
    pairs = [("État", ev.state.label + (f" (depuis le {format_moment(ev.state_since.at)})"
                                         if ev.state_since else "")),
             ("Heures validées", "aucune" if h.validated_individual is None else
              f"{format_value(h.validated_individual)} h individuelles, "
              f"{format_value(h.validated_collective)} h collectives"),
             ("Heures réalisées", f"{format_value(h.delivered_individual)} h individuelles, "
                                  f"{format_value(h.delivered_collective)} h collectives"),
             ("Échéances en retard", len(ev.overdue)),
             ("À faire cette semaine", len(ev.due_between(today, sunday))),
             ("Obligations remplies", f"{len(done)}, dont "
                                      f"{sum(o.status is MET_LATE for o in done)} en retard")]
    if ev.ignored_after_as_of:
        pairs.append(("Événements postérieurs ignorés", ev.ignored_after_as_of))
    rows = [(o.rule_id, o.what, format_moment(o.due) if o.due is not None else o.due_text,
             format_moment(o.act.at) if o.act is not None else "—", o.status.label)
            for o in sorted(ev.obligations, key=lambda o: (
                o.due is None, _due_day(o.due) if o.due is not None else today))]
    summary = [figures(pairs), "<h2>Obligations du parcours</h2>",
               table(("Règle", "Acte attendu", "Échéance", "Fait le", "Statut"), rows)]
    return page(f"Parcours {name} — situation au {format_datetime(ev.as_of)}", stamp,
                report_body(ev.report, summary))


def lot_page(r: Any, stamp: Any) -> str:
    from ..lot import MODE_LABELS, _month_name, _percent
    from ..timeline import CaseState, ObligationStatus
    from .charts import available as charts_available

    stamp = _with_as_of(stamp, r.as_of)
    t = r.target_public
    s = r.synthesis
    pairs = [("Période", r.period.describe()),
             ("Bénéficiaires suivis", t.beneficiaries)]
    for v in r.volumes:
        pairs.append((f"Heures {MODE_LABELS[v.mode]}",
                      f"{format_value(v.delivered)} h réalisées sur "
                      f"{format_value(v.forecast_for_period)} h prévues au prorata "
                      f"({_percent(v.delivered / v.forecast_for_period) if v.forecast_for_period else '—'})"))
    pairs.append(("Femmes", f"{t.women} sur {t.sex_known} ({_percent(t.women_share)})"))
    pairs.append((f"Jeunes de moins de {t.young_age_limit} ans sans qualification",
                  f"{t.young_without_qualification} sur {t.youth_known} "
                  f"({_percent(t.young_share)})"))
    met = s.status_count(ObligationStatus.MET)
    late = s.status_count(ObligationStatus.MET_LATE) + s.status_count(ObligationStatus.OVERDUE)
    pairs.append(("Échéances tenues", f"{met} sur {met + late}"
                  + (f" ({_percent(met / (met + late))})" if met + late else "")))
    summary = [figures(pairs)]
    if r.term:
        summary += ["<h2>Durée du marché (CCTP 1.4)</h2>",
                    table(("Période", "Du", "Au"), [(p.label, format_date(p.first),
                                                    format_date(p.last))
                                                   for p in r.term.periods])]
    summary += ["<h2>Heures face au prévisionnel (CCTP 1.5)</h2>",
                table(("Type", "Réalisées (h)", "Séances", f"Prévisionnel {r.forecast_months} "
                       "mois (h)", "Au prorata (h)", "Facturables (séances)",
                       "Facturables (h)"),
                      [(MODE_LABELS[v.mode], v.delivered, v.sessions, float(v.forecast),
                        v.forecast_for_period, v.billable_sessions, v.billable_hours)
                       for v in r.volumes], numeric=(1, 2, 3, 4, 5, 6))]
    if r.spip_hours:
        summary += ["<h3>Heures réalisées par SPIP</h3>",
                    table(("SPIP", "Individuelles (h)", "Collectives (h)"),
                          [(f"SPIP {spip}", ind, coll) for spip, ind, coll in r.spip_hours],
                          numeric=(1, 2)),
                    '<p class="none">Le contrat fixe le prévisionnel par lot, non par SPIP.</p>']
    if r.deadlines_by_month:
        summary += ["<h3>Échéances tenues par mois</h3>",
                    table(("Mois", "Dans les délais", "En retard"),
                          [(_month_name(_month(m)), ok, bad)
                           for m, ok, bad in r.deadlines_by_month], numeric=(1, 2))]
    if charts_available():
        summary += ["<h2>Graphiques</h2>", *_lot_charts(r)]
    if r.permanences:
        summary += ["<h2>Permanences sans prescription (CCTP 6.1-3)</h2>",
                    table(("Site", "Mois", "Prescriptions", "Permanences", "Requises", "Verdict"),
                          [(p.site, " et ".join(_month_name(m) for m in p.months),
                            p.prescriptions, p.permanences,
                            0 if p.prescriptions else p.required,
                            "conforme" if p.ok else "insuffisant") for p in r.permanences],
                          numeric=(2, 3, 4))]
    summary += ["<h2>Synthèse des programmes et des délais (CCTP 6.10)</h2>",
                table(("État du parcours", "Parcours"),
                      [(CaseState(state).label, n) for state, n in s.states], numeric=(1,)),
                table(("Règle", *(st.label for st in ObligationStatus)),
                      [(rule_id, *(dict(c).get(st.value, 0) for st in ObligationStatus))
                       for rule_id, c in s.obligations], numeric=(1, 2, 3, 4))]
    return page(f"Lot {r.lot} — rapport {r.period.describe()}", stamp,
                report_body(r.report, summary))


def _month(text: str):
    import datetime as dt

    return dt.date(int(text[:4]), int(text[5:7]), 1)


def _lot_charts(r: Any) -> list[str]:
    from ..lot import MODE_LABELS
    from .charts import deadlines_by_month, hours_by_spip, hours_by_type

    out = ['<figure class="chart"><figcaption>Heures réalisées face au prévisionnel au prorata '
           'de la période, par type</figcaption>'
           + hours_by_type([MODE_LABELS[v.mode] for v in r.volumes],
                                  [v.delivered for v in r.volumes],
                                  [v.forecast_for_period for v in r.volumes]) + "</figure>"]
    if r.spip_hours:
        out.append('<figure class="chart"><figcaption>Heures réalisées par SPIP</figcaption>'
                   + hours_by_spip([s for s, _, _ in r.spip_hours],
                                          [i for _, i, _ in r.spip_hours],
                                          [c for _, _, c in r.spip_hours]) + "</figure>")
    if r.deadlines_by_month:
        out.append('<figure class="chart"><figcaption>Échéances tenues dans les délais, par '
                   'mois</figcaption>'
                   + deadlines_by_month([m for m, _, _ in r.deadlines_by_month],
                                               [ok for _, ok, _ in r.deadlines_by_month],
                                               [bad for _, _, bad in r.deadlines_by_month])
                   + "</figure>")
    return out


def _with_as_of(stamp: Any, as_of: Any) -> Any:
    import attrs

    return attrs.evolve(stamp, as_of=format_datetime(as_of))


def html_page(result: Any, stamp: Any) -> str:
    """The page of a result; its full stamp (ppaip_rules.stamp), when it has one, as footer."""
    text = _html_page(result, stamp)
    full = getattr(result, "stamp", None)
    if full is None:
        return text
    lines = "<br>".join(e(line.strip()) for line in full.format().splitlines())
    return text.replace("\n</body>", f'\n<footer class="stamp">{lines}</footer>\n</body>', 1)


def _html_page(result: Any, stamp: Any) -> str:
    if isinstance(result, Report):
        return check_page(result, stamp)
    kind = type(result).__name__
    if kind == "CaseEvaluation":
        return case_page(result, stamp)
    if kind == "LotReport":
        return lot_page(result, stamp)
    if hasattr(result, "html_body"):
        title, body = result.html_body()
        return page(title, _with_as_of(stamp, result.as_of), body)
    raise TypeError(f"no HTML rendering for {kind}")


__all__ = ["CSS", "html_page"]
