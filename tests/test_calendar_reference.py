"""The calendar computes the French holidays itself; ``holidays`` stays the reference.

Every year the calendar covers (2008–2100) and every variant (metropolitan, each
Alsace-Moselle département, Whit Monday worked, Good Friday not a holiday in
Alsace-Moselle) is compared with the ``holidays`` package, date by date and name by name.
"""

import datetime as dt
import itertools

import holidays
import pytest

from ppaip_rules import InputError, get_calendar
from ppaip_rules.calendar import ALSACE_MOSELLE, FIRST_YEAR, LAST_YEAR, easter_sunday

YEARS = range(FIRST_YEAR, LAST_YEAR + 1)
VARIANTS = list(itertools.product([None, "21", "57", "67", "68"], [False, True], [True, False]))


def reference(departement, whit_monday_worked, good_friday_holiday):
    """The holidays of the ``holidays`` package for a variant, with the two policies applied."""
    subdiv = ALSACE_MOSELLE.get(departement or "")
    table = holidays.country_holidays("FR", subdiv=subdiv, years=YEARS, language="fr")
    days = {d: str(name) for d, name in table.items()}
    dropped = {"Lundi de Pentecôte"} if whit_monday_worked else set()
    if subdiv and not good_friday_holiday:
        dropped.add("Vendredi saint")
    kept = {d: name for d, name in days.items() if name not in dropped}
    assert len(days) - len(kept) == len(dropped) * len(YEARS)
    return kept


@pytest.mark.parametrize("departement, whit_monday_worked, good_friday_holiday", VARIANTS)
def test_computed_holidays_equal_the_holidays_package_2008_2100(
        departement, whit_monday_worked, good_friday_holiday):
    cal = get_calendar(departement, whit_monday_worked, good_friday_holiday)
    ours = {}
    for year in YEARS:
        ours.update(cal.holidays(year))
    assert ours == reference(departement, whit_monday_worked, good_friday_holiday)


def test_easter_sunday_equals_dateutil_for_every_covered_year():
    from dateutil.easter import easter

    assert all(easter_sunday(y) == easter(y) for y in range(1900, 2201))


def test_importing_the_library_and_computing_a_deadline_does_not_import_holidays():
    import subprocess
    import sys

    code = ("import sys, datetime, ppaip_rules; "
            "ppaip_rules.deadline('END-BILAN-IND', datetime.date(2025, 5, 7)); "
            "ppaip_rules.get_calendar('57').is_holiday(datetime.date(2025, 4, 18)); "
            "print('holidays' in sys.modules, 'dateutil.easter' in sys.modules)")
    out = subprocess.check_output([sys.executable, "-c", code], text=True)
    assert out.split() == ["False", "False"]


def test_good_friday_policy_only_changes_alsace_moselle():
    good_friday = dt.date(2025, 4, 18)
    assert get_calendar("57").is_holiday(good_friday)
    assert not get_calendar("57", good_friday_holiday=False).is_holiday(good_friday)
    assert get_calendar("57", good_friday_holiday=False).is_holiday(dt.date(2025, 12, 26))
    assert not get_calendar(good_friday_holiday=False).is_holiday(good_friday)
    assert get_calendar("21", good_friday_holiday=False) is get_calendar()


@pytest.mark.parametrize("code", ["057", "99", "20", "Jean_DUPONT", "", " 57", "57 ", "979", "6AE"])
def test_unknown_or_malformed_departement_is_refused_naming_the_field(code):
    with pytest.raises(InputError) as err:
        get_calendar(code)
    assert err.value.path == "departement"
    assert code not in str(err.value) or code in ("", " 57", "57 ")


@pytest.mark.parametrize("code", ["01", "21", "2A", "2B", "95", "971", "976"])
def test_known_departements_outside_alsace_moselle_use_the_metropolitan_calendar(code):
    assert get_calendar(code) is get_calendar()


@pytest.mark.parametrize("value", [1, "oui", None])
def test_calendar_policy_switches_must_be_booleans(value):
    with pytest.raises(InputError) as err:
        get_calendar(whit_monday_worked=value)
    assert err.value.path == "whit_monday_worked"
    with pytest.raises(InputError) as err:
        get_calendar("57", good_friday_holiday=value)
    assert err.value.path == "good_friday_holiday"
