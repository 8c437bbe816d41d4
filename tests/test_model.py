"""Input models and the DataFrame entry point: validation and messages, word for word."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import busetting as bs


def _frame(**cols: list) -> pd.DataFrame:
    base = {
        "municipality_id": ["0301", "1103"],
        "name": ["Oslo", "Stavanger"],
        "population": [700, 150],
    }
    base.update(cols)
    return pd.DataFrame(base)


def test_minimal_call_from_the_issue(norway_frame: pd.DataFrame) -> None:
    problem = bs.Problem.from_frame(
        norway_frame, total=37_000, minors=0, criteria={"population": 1.0}
    )
    alloc = bs.allocate(problem, method="webster", solver="cbc")
    assert alloc.status == "optimal"
    assert alloc.requests.dtype == np.int64
    assert alloc.requests.index.name == "municipality_id"
    assert alloc.requests["0301"] > 0 and alloc.requests.index[0] == "0301"


def test_norwegian_headers_are_aliases(norway_frame: pd.DataFrame) -> None:
    problem = bs.Problem.from_frame(norway_frame, total=100, criteria={"population": 1.0})
    oslo = problem.municipalities[0]
    assert (oslo.municipality_id, oslo.name, oslo.county) == ("0301", "Oslo", "Oslo")
    names = {m.name for m in problem.municipalities}
    assert "Trondheim - Tråante" in names  # official Sámi form kept


def test_from_frame_does_not_modify_the_frame(norway_frame: pd.DataFrame) -> None:
    before = norway_frame.copy(deep=True)
    bs.Problem.from_frame(norway_frame, total=100, criteria={"population": 1.0})
    pd.testing.assert_frame_equal(norway_frame, before)


def test_from_frame_reports_every_bad_row_in_one_error() -> None:
    df = pd.DataFrame(
        {
            "kommunenummer": ["0301", "301", "03O1", "0301"],
            "kommune": ["Oslo", "X", "", "Dup"],
            "population": [10, -5, 3.5, np.nan],
            "capacity": [1.0, np.nan, np.inf, -2],
            "min": [5, None, None, None],
            "max": [3, None, None, None],
        }
    )
    with pytest.raises(bs.InputError) as info:
        bs.Problem.from_frame(
            df,
            total=10,
            criteria={"population": 0.5, "capacity": 0.6},
            id_format="kommunenummer",
        )
    assert (
        str(info.value)
        == """\
Problem.from_frame found 12 problems in the input:
- column 'criteria': criteria: weights must sum to 1; got 1.1.
- row 0, municipality 0301, column 'min': min (5) must not exceed max (3); got 5.
- row 1, municipality 301, column 'capacity': is missing; expected a finite number >= 0; got None.
- row 1, municipality 301, column 'municipality_id': must be a 4-digit string with leading zeros kept (e.g. '0301'); got '301'.
- row 1, municipality 301, column 'population': must be a whole number >= 0; got -5.
- row 2, municipality 03O1, column 'capacity': must be a finite number >= 0; got inf.
- row 2, municipality 03O1, column 'municipality_id': must be a 4-digit string with leading zeros kept (e.g. '0301'); got '03O1'.
- row 2, municipality 03O1, column 'name': must be a non-empty string; got ''.
- row 2, municipality 03O1, column 'population': must be a whole number >= 0; got 3.5.
- row 3, municipality 0301, column 'municipality_id': must be unique (also in row 0); got '0301'.
- row 3, municipality 0301, column 'capacity': must be a finite number >= 0; got -2.0.
- row 3, municipality 0301, column 'population': is missing; expected a whole number >= 0; got None."""
    )
    table = info.value.failure_cases
    assert list(table.columns) == ["row", "municipality_id", "column", "value", "reason"]
    assert len(table) == 12
    assert table.loc[4, ["row", "municipality_id", "column", "value"]].tolist() == [
        1,
        "301",
        "population",
        -5,
    ]


def test_integer_ids_become_text_as_written_or_zero_padded_kommunenummer() -> None:
    df = pd.DataFrame(
        {"kommunenummer": [301, 1103], "kommune": ["Oslo", "S"], "population": [5, 1]}
    )
    p = bs.Problem.from_frame(df, total=10, criteria={"population": 1.0})
    assert p.ids == ("1103", "301")  # exact string order
    q = bs.Problem.from_frame(df, total=10, criteria={"population": 1.0}, id_format="kommunenummer")
    assert q.ids == ("0301", "1103")
    alloc = bs.allocate(q)
    merged = df.assign(kommunenummer=df["kommunenummer"].map("{:04d}".format)).merge(
        alloc.to_frame(), left_on="kommunenummer", right_index=True
    )
    assert merged["request"].sum() == 10


def test_kommunenummer_format_names_row_id_column_value_and_expectation() -> None:
    df = pd.DataFrame(
        {"kommunenummer": [12345, "0301 ", "5001"], "kommune": ["X", "Y", "Z"], "population": 1}
    )
    with pytest.raises(bs.InputError) as info:
        bs.Problem.from_frame(df, total=10, criteria={"population": 1.0}, id_format="kommunenummer")
    assert str(info.value) == (
        "Problem.from_frame found 2 problems in the input:\n"
        "- row 0, municipality 12345, column 'municipality_id': must be a 4-digit string with "
        "leading zeros kept (e.g. '0301'); got '12345'.\n"
        "- row 1, municipality 0301 , column 'municipality_id': must be a 4-digit string with "
        "leading zeros kept (e.g. '0301'); got '0301 '."
    )
    with pytest.raises(bs.InputError, match="must be None or 'kommunenummer'"):
        bs.Problem.from_frame(df, total=10, criteria={"population": 1.0}, id_format="fips")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "ids", [["01", "06", "48"], ["101", "147", "851"], ["01001000", "09162000", "11000000"]]
)
def test_any_id_length_allocates(ids: list[str]) -> None:
    df = pd.DataFrame(
        {"municipality_id": ids[::-1], "name": ["A", "B", "C"], "population": [3, 2, 1]}
    )
    problem = bs.Problem.from_frame(df, total=60, criteria={"population": 1.0})
    assert problem.ids == tuple(ids)
    alloc = bs.allocate(problem)
    assert alloc.status == "optimal"
    assert alloc.requests.to_dict() == dict(zip(ids, [10, 20, 30], strict=True))


def test_ids_any_string_but_blank_or_padded_is_refused() -> None:
    df = pd.DataFrame(
        {
            "municipality_id": ["a b", " x", "", None, "Ab", "ab"],
            "name": list("ABCDEF"),
            "population": 1,
        }
    )
    with pytest.raises(bs.InputError) as info:
        bs.Problem.from_frame(df, total=10, criteria={"population": 1.0})
    table = info.value.failure_cases
    assert table["row"].tolist() == [1, 2, 3]
    assert set(table["reason"]) == {
        "must be a non-empty string without leading or trailing whitespace"
    }
    with pytest.raises(bs.InputError, match="without leading or trailing"):
        bs.Municipality(municipality_id="0301\n", name="Oslo", population=1)


def test_missing_columns_and_bad_need_are_reported_together() -> None:
    df = pd.DataFrame({"kommunenummer": ["0301"], "kommune": ["Oslo"]})
    with pytest.raises(bs.InputError) as info:
        bs.Problem.from_frame(df, total=-1, minors=3, criteria={"capacity": 1.0})
    assert str(info.value) == (
        "Problem.from_frame found 3 problems in the input:\n"
        "- column 'total': must be a whole number >= 0; got -1.\n"
        "- column 'population': column is missing; got None.\n"
        "- column 'capacity': column is missing; got None."
    )


def test_minors_above_total_is_an_input_error() -> None:
    with pytest.raises(bs.InputError) as info:
        bs.Problem.from_frame(_frame(), total=10, minors=11, criteria={"population": 1.0})
    assert str(info.value) == (
        "Problem.from_frame found 1 problem in the input:\n"
        "- column 'minors': minors (11) must not exceed the total (10); got 11."
    )


def test_empty_frame_is_an_input_error() -> None:
    with pytest.raises(bs.InputError) as info:
        bs.Problem.from_frame(_frame().iloc[0:0], total=10, criteria={"population": 1.0})
    assert str(info.value) == (
        "Problem.from_frame found 1 problem in the input:\n"
        "- input: at least one municipality is required; got 0."
    )


def test_a_frame_is_required() -> None:
    with pytest.raises(bs.InputError) as info:
        bs.Problem.from_frame([1, 2], total=10, criteria={"population": 1.0})  # type: ignore[arg-type]
    assert str(info.value) == (
        "The `df` parameter of `Problem.from_frame` must be a pandas DataFrame. Got list instead."
    )


def test_negative_weight_is_named() -> None:
    with pytest.raises(bs.InputError) as info:
        bs.Problem.from_frame(
            _frame(capacity=[1, 2]), total=10, criteria={"population": 1.5, "capacity": -0.5}
        )
    assert str(info.value) == (
        "Problem.from_frame found 1 problem in the input:\n"
        "- column 'criteria': weight: must be a finite number >= 0; got -0.5."
    )


def test_input_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        bs.Problem.from_frame(_frame(), total=-5, criteria={"population": 1.0})


def test_direct_construction_validates_too() -> None:
    with pytest.raises(bs.InputError, match="must not exceed max"):
        bs.Municipality(municipality_id="0301", name="Oslo", population=1, min=3, max=2)
    with pytest.raises(bs.InputError, match="weights must sum to 1"):
        bs.Problem(
            municipalities=[bs.Municipality(municipality_id="0301", name="Oslo", population=1)],
            criteria={"population": 0.5},
            need=bs.Need(total=1),
        )
    with pytest.raises(bs.InputError, match="fixed \\(9\\) must not exceed max"):
        bs.Municipality(municipality_id="0301", name="Oslo", population=1, fixed=9, max=2)
    with pytest.raises(bs.InputError, match="a rate criterion needs a base"):
        bs.Criterion(name="c", indicator="c", weight=1.0, kind="rate")


def test_models_are_frozen_and_forbid_unknown_fields() -> None:
    m = bs.Municipality(municipality_id="0301", name="Oslo", population=1)
    with pytest.raises(bs.InputError):
        m.population = 3  # type: ignore[misc]
    with pytest.raises(bs.InputError, match="Extra inputs are not permitted"):
        bs.Municipality(municipality_id="0301", name="Oslo", population=1, capacity=3)


def test_json_schema_is_exportable() -> None:
    schema = bs.Problem.model_json_schema()
    json.dumps(schema)
    assert set(schema["required"]) == {"municipalities", "criteria", "need"}
    assert "Municipality" in schema["$defs"] and "Criterion" in schema["$defs"]


def test_municipalities_are_stored_in_id_order() -> None:
    ms = [bs.Municipality(municipality_id=i, name=i, population=1) for i in ("5001", "0301")]
    p = bs.Problem(municipalities=ms, criteria={"population": 1.0}, need=bs.Need(total=2))
    assert p.ids == ("0301", "5001")


def test_optional_columns_are_read(norway_frame: pd.DataFrame) -> None:
    df = _frame(
        min=[1, None],
        max=[None, 40],
        fixed=[None, None],
        minors_eligible=[True, False],
        minors_max=[3, None],
    )
    p = bs.Problem.from_frame(df, total=20, minors=2, criteria={"population": 1.0})
    oslo, stavanger = p.municipalities
    assert (oslo.min, oslo.max, oslo.minors_eligible, oslo.minors_max) == (1, None, True, 3)
    assert (stavanger.max, stavanger.minors_eligible) == (40, False)


def test_old_names_still_work_with_a_deprecation_warning() -> None:
    df = _frame(minors_capacity=[3, None])
    with pytest.warns(DeprecationWarning, match="minors_capacity is deprecated; use minors_max"):
        p = bs.Problem.from_frame(df, total=20, minors=2, criteria={"population": 1.0})
    assert p.columns.minors_max.tolist() == [3, -1]
    with pytest.warns(DeprecationWarning, match="minors_capacity"):
        m = bs.Municipality(municipality_id="a", name="A", population=1, minors_capacity=4)
    assert m.minors_max == 4
    with pytest.warns(DeprecationWarning, match="minors_capacity"):
        assert m.minors_capacity == 4
    with pytest.warns(DeprecationWarning, match="Problem.minors is deprecated"):
        assert p.minors == 2
    assert p.minors_total == 2
    with pytest.warns(DeprecationWarning), pytest.raises(bs.InputError, match="give minors_max"):
        bs.Problem.from_frame(
            _frame(minors_capacity=[3, None], minors_max=[3, None]),
            total=20,
            criteria={"population": 1.0},
        )


def test_rate_and_lower_is_better_criteria_build_the_documented_shares() -> None:
    from busetting._criteria import build_key

    df = _frame(waiting=[1.0, 3.0])
    crit = [
        bs.Criterion(
            name="gp",
            indicator="waiting",
            weight=1.0,
            kind="rate",
            base="population",
            direction="lower",
        )
    ]
    p = bs.Problem.from_frame(df, total=100, criteria=crit)
    key = build_key(p)
    # reflected score: max + min - v = (3, 1); shares proportional to 700*3 and 150*1
    assert key.shares[:, 0].tolist() == pytest.approx([2100 / 2250, 150 / 2250])


def test_all_zero_criterion_is_an_input_error() -> None:
    p = bs.Problem.from_frame(
        _frame(capacity=[0, 0]), total=10, criteria={"population": 0.5, "capacity": 0.5}
    )
    with pytest.raises(bs.InputError) as info:
        bs.allocate(p)
    assert str(info.value) == (
        "build_key found 1 problem in the input:\n"
        "- column 'capacity': criterion 'capacity' (requests key): indicator 'capacity' is 0 "
        "for every municipality, so its shares are undefined; expected a positive value "
        "somewhere; got 0.0."
    )


# -- the column store (issue #17) ---------------------------------------------------------------


def _two() -> bs.Problem:
    return bs.Problem.from_frame(
        _frame(max=[None, 40], capacity=[1.0, 2.0]),
        total=20,
        minors=2,
        criteria={"population": 0.5, "capacity": 0.5},
    )


def test_columns_hold_the_rows_in_id_order() -> None:
    p = _two()
    c = p.columns
    assert c.ids == ("0301", "1103") and c.names == ("Oslo", "Stavanger")
    assert c.population.tolist() == [700, 150]
    assert c.max.tolist() == [-1, 40] and c.min.tolist() == [-1, -1]
    assert c.indicators["capacity"].tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match="read-only"):
        c.population[0] = 1
    oslo = p.municipalities[0]
    assert oslo == bs.Municipality(
        municipality_id="0301", name="Oslo", population=700, indicators={"capacity": 1.0}
    )


def test_a_problem_from_a_frame_equals_the_same_problem_from_models() -> None:
    p = _two()
    q = bs.Problem(
        municipalities=list(p.municipalities)[::-1],
        criteria=p.criteria,
        need=p.need,
    )
    assert p == q and q.municipalities == tuple(p.municipalities)
    assert p.model_dump_json() == q.model_dump_json()
    assert bs.Problem.model_validate_json(p.model_dump_json()) == p
    import pickle

    assert pickle.loads(pickle.dumps(p)) == p


def test_the_json_schema_lists_municipalities() -> None:
    schema = bs.Problem.model_json_schema()
    assert schema["properties"]["municipalities"] == {
        "items": {"$ref": "#/$defs/Municipality"},
        "title": "Municipalities",
        "type": "array",
    }
    assert "minors_max" in schema["$defs"]["Municipality"]["properties"]


def test_with_need_and_with_fixed_validate_and_reuse_the_columns() -> None:
    p = _two()
    assert p.with_need(30).columns is p.columns
    with pytest.raises(bs.InputError, match="must not exceed the total"):
        p.with_need(1, 2)
    fixed = p.with_fixed({"1103": 7})
    assert fixed.columns.fixed.tolist() == [-1, 7] and p.columns.fixed.tolist() == [-1, -1]
    assert fixed.columns.indicators["capacity"] is p.columns.indicators["capacity"]
    assert fixed.municipalities[1].fixed == 7
    with pytest.raises(ValueError, match=r"fixed \(41\) must not exceed max \(40\)"):
        p.with_fixed({"1103": 41})
    with pytest.raises(ValueError, match="must be a whole number >= 0"):
        p.with_fixed({"1103": -1})
    with pytest.raises(
        bs.InputError, match=r"municipality 9999, column .fixed.: is not a municipality"
    ):
        p.with_fixed({"9999": 1})


def test_from_frame_reads_nullable_and_text_columns() -> None:
    df = _frame(
        max=pd.array([None, 40], dtype="Int64"),
        capacity=["1.5", "2"],
        minors_eligible=[1, 0],
    )
    p = bs.Problem.from_frame(df, total=20, criteria={"capacity": 1.0})
    assert p.columns.max.tolist() == [-1, 40]
    assert p.columns.indicators["capacity"].tolist() == [1.5, 2.0]
    assert p.columns.minors_eligible.tolist() == [True, False]


def test_from_frame_and_allocate_make_no_municipality_objects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    n = 2_000
    rng = np.random.default_rng(17)
    df = pd.DataFrame(
        {
            "municipality_id": [f"{i:08d}" for i in range(n)],
            "name": [f"Gemeinde {i}" for i in range(n)],
            "population": rng.integers(1, 10_000, n),
            "capacity": rng.random(n),
            "max": np.where(rng.random(n) < 0.1, 5, np.nan),
        }
    )

    def refuse(*args: object, **kwargs: object) -> bs.Municipality:
        raise AssertionError("a Municipality object was made on the columnar path")

    monkeypatch.setattr(bs.Municipality, "model_construct", refuse)
    problem = bs.Problem.from_frame(df, total=50_000, criteria={"population": 0.5, "capacity": 0.5})
    alloc = bs.allocate(problem)
    assert alloc.status == "optimal" and int(alloc.requests.sum()) == 50_000
    assert alloc.fingerprint == bs.allocate(problem).fingerprint
