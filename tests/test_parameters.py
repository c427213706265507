"""Contract parameters: the Dijon figures and variant contracts loaded from files."""

import json

import pytest

from ppaip_rules import DIJON, InputError, load_parameters, parameters_from_dict


def test_dijon_lots_match_the_contract_totals():
    assert len(DIJON.lots) == 6
    assert sum(lot.individual_hours for lot in DIJON.lots) == 7440
    assert sum(lot.collective_hours for lot in DIJON.lots) == 2460
    assert DIJON.lot(6).departements == ("25", "39", "70", "90")


def test_every_parameter_cites_a_clause():
    for name in DIJON.__attrs_attrs__:
        described = DIJON.describe(name.name)
        assert described["clause"] and described["label"]


def test_variant_from_toml(tmp_path):
    path = tmp_path / "variant.toml"
    path.write_text('group_size_max = 8\n[delays.END-BILAN-IND]\namount = 7\n'
                    'unit = "jours ouvrés"\n', encoding="utf-8")
    variant = load_parameters(path)
    assert variant.group_size_max == 8
    assert variant.delay("END-BILAN-IND").amount == 7
    assert variant.delay("PROG-START") == DIJON.delay("PROG-START")
    assert DIJON.group_size_max == 6


def test_variant_from_json(tmp_path):
    path = tmp_path / "variant.json"
    path.write_text(json.dumps({"lots": [{"number": 1, "spips": [{"code": "18", "name": "x"}],
                                          "individual_hours": 10, "collective_hours": 5}]}))
    assert load_parameters(path).lot(1).individual_hours == 10


@pytest.mark.parametrize("data, path", [
    ({"group_size_maxi": 8}, "?"),
    ({"group_size_max": "8"}, "group_size_max"),
    ({"group_size_max": True}, "group_size_max"),
    ({"individual_hours_min": float("nan")}, "individual_hours_min"),
    ({"delays": {"PROG-START": {"amount": 5, "unit": "semaines"}}}, "delays.PROG-START.unit"),
    ({"lots": [{"number": 1}]}, "lots[0]"),
    ([], ""),
])
def test_bad_variant_names_the_key(data, path):
    with pytest.raises(InputError) as error:
        parameters_from_dict(data)
    assert error.value.path == (path or "(racine)")


def test_unreadable_variant_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("= nope", encoding="utf-8")
    with pytest.raises(InputError):
        load_parameters(path)
