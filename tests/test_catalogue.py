"""The bad-input catalogue: malformed inputs through every entry point.

Each case names its entry point and either the error it raises (type and message, word for
word where the message is ours) or a documented acceptance. None may end in a traceback from
deep inside pandas or PuLP, or in a silent wrong answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from clirun import run

import busetting as bs
from busetting.io import read_problem, read_table

M = bs.Municipality
ID = "must be a 4-digit string with leading zeros kept (e.g. '0301')"
ANY_ID = "must be a non-empty string without leading or trailing whitespace"


def _frame(**cols: list) -> pd.DataFrame:
    base = {
        "municipality_id": ["0301", "1103"],
        "name": ["Oslo", "Stavanger"],
        "population": [700, 150],
    }
    base.update(cols)
    return pd.DataFrame(base)


def _from_frame(df: pd.DataFrame, **kw: object) -> Callable[[], object]:
    kw.setdefault("total", 10)
    kw.setdefault("criteria", {"population": 1.0})
    return lambda: bs.Problem.from_frame(df, **kw)


def _problem(
    ms: list[bs.Municipality], total: int = 10, minors: int = 0, criteria: object = None
) -> bs.Problem:
    return bs.Problem(
        municipalities=ms,
        criteria=criteria or {"population": 1.0},
        need=bs.Need(total=total, minors=minors),
    )


def _m(mid: str = "0301", **kw: object) -> bs.Municipality:
    kw.setdefault("population", 10)
    return M(municipality_id=mid, name="Oslo", **kw)


# (case id, call, expected exception type, expected message fragment)
MODEL_CASES = [
    ("model: id with a trailing space", lambda: _m("0301 "), bs.InputError, ANY_ID),
    ("model: empty id", lambda: _m(""), bs.InputError, ANY_ID),
    ("model: integer id", lambda: _m(301), bs.InputError, ANY_ID),  # type: ignore[arg-type]
    (
        "model: negative population",
        lambda: _m(population=-1),
        bs.InputError,
        "must be a whole number >= 0",
    ),
    (
        "model: NaN indicator",
        lambda: _m(indicators={"capacity": float("nan")}),
        bs.InputError,
        "indicator 'capacity' must be a finite number >= 0",
    ),
    (
        "model: infinite indicator",
        lambda: _m(indicators={"capacity": float("inf")}),
        bs.InputError,
        "indicator 'capacity' must be a finite number >= 0",
    ),
    (
        "model: negative indicator",
        lambda: _m(indicators={"capacity": -1}),
        bs.InputError,
        "indicator 'capacity' must be a finite number >= 0",
    ),
    (
        "model: min above max",
        lambda: _m(min=5, max=3),
        bs.InputError,
        "min (5) must not exceed max (3)",
    ),
    (
        "model: fixed outside bounds",
        lambda: _m(fixed=9, max=3),
        bs.InputError,
        "fixed (9) must not exceed max (3)",
    ),
    (
        "model: negative weight",
        lambda: bs.Criterion(name="c", indicator="c", weight=-0.1),
        bs.InputError,
        "must be a finite number >= 0",
    ),
    (
        "model: minors above total",
        lambda: bs.Need(total=5, minors=6),
        bs.InputError,
        "minors (6) must not exceed the total (5)",
    ),
    (
        "model: fractional total",
        lambda: bs.Need(total=37_000.5),
        bs.InputError,
        "must be a whole number >= 0",
    ),
    (
        "model: total as text",
        lambda: bs.Need(total="37000"),
        bs.InputError,
        "must be a whole number >= 0",
    ),
    (
        "model: weights not summing to 1",
        lambda: _problem([_m()], criteria={"population": 0.7}),
        bs.InputError,
        "criteria: weights must sum to 1; got 0.7",
    ),
    (
        "model: duplicate ids",
        lambda: _problem([_m(), _m()]),
        bs.InputError,
        "municipality_id must be unique (municipality 0301); got '0301'",
    ),
    (
        "model: unknown indicator",
        lambda: _problem([_m()], criteria={"jobs": 1.0}),
        bs.InputError,
        "criteria: indicator 'jobs' of criterion 'jobs' is missing",
    ),
    (
        "model: no municipalities",
        lambda: _problem([]),
        bs.InputError,
        "at least one municipality is required",
    ),
    (
        "model: unknown field",
        lambda: _m(capacity=3),
        bs.InputError,
        "Extra inputs are not permitted",
    ),
]

FRAME_CASES = [
    (
        "from_frame: duplicate ids",
        _from_frame(_frame(municipality_id=["0301", "0301"])),
        bs.InputError,
        "column 'municipality_id': must be unique (also in row 0); got '0301'.",
    ),
    (
        "from_frame: a kommunenummer of 5 digits",
        _from_frame(_frame(municipality_id=[301, 11030]), id_format="kommunenummer"),
        bs.InputError,
        f"column 'municipality_id': {ID}; got '11030'.",
    ),
    (
        "from_frame: missing column",
        _from_frame(_frame().drop(columns="population")),
        bs.InputError,
        "column 'population': column is missing; got None.",
    ),
    (
        "from_frame: NaN population",
        _from_frame(_frame(population=[np.nan, 1])),
        bs.InputError,
        "column 'population': is missing; expected a whole number >= 0",
    ),
    (
        "from_frame: unknown criterion column",
        _from_frame(_frame(), criteria={"jobs": 1.0}),
        bs.InputError,
        "column 'jobs': column is missing; got None.",
    ),
    (
        "from_frame: negative weight",
        _from_frame(_frame(c=[1, 2]), criteria={"population": 1.2, "c": -0.2}),
        bs.InputError,
        "weight: must be a finite number >= 0; got -0.2.",
    ),
    (
        "from_frame: minors above total",
        _from_frame(_frame(), minors=11),
        bs.InputError,
        "minors (11) must not exceed the total (10)",
    ),
    (
        "from_frame: empty frame",
        _from_frame(_frame().iloc[0:0]),
        bs.InputError,
        "at least one municipality is required",
    ),
    (
        "from_frame: indicator as text",
        _from_frame(_frame(c=["1", "lots"]), criteria={"c": 1.0}),
        bs.InputError,
        "column 'c': must be a finite number >= 0; got 'lots'.",
    ),
    (
        "from_frame: minors_eligible not a flag",
        _from_frame(_frame(minors_eligible=["yes", True])),
        bs.InputError,
        "column 'minors_eligible': must be true or false; got 'yes'.",
    ),
]


@pytest.mark.parametrize(
    ("case", "call", "error", "fragment"),
    MODEL_CASES + FRAME_CASES,
    ids=[c[0] for c in MODEL_CASES + FRAME_CASES],
)
def test_malformed_input_raises_a_typed_error(
    case: str, call: Callable[[], object], error: type, fragment: str
) -> None:
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)  # every input error is a ValueError


def test_all_zero_criterion_is_an_input_error() -> None:
    p = _problem([_m(indicators={"c": 0}), _m("1103", indicators={"c": 0})], criteria={"c": 1.0})
    with pytest.raises(bs.InputError, match="indicator 'c' is 0 for every municipality"):
        bs.allocate(p)


def test_no_eligible_minors_host_is_infeasible_with_a_reason() -> None:
    alloc = bs.allocate(_problem([_m(minors_eligible=False)], total=10, minors=2))
    assert alloc.status == "infeasible"
    assert alloc.message == (
        "Infeasible: minors: no municipality is eligible for minors, 2 "
        "short of the minors need of 2."
    )


def test_one_municipality_is_accepted_and_gets_everything() -> None:
    alloc = bs.allocate(_problem([_m()], total=37_000, minors=610))
    assert alloc.requests.tolist() == [37_000] and alloc.minors.tolist() == [610]


@pytest.mark.parametrize("method", [m.value for m in bs.Method])
def test_a_total_of_ten_to_the_twelve_is_exact(method: str) -> None:
    ms = [_m(f"000{i}", population=1000 * i) for i in range(1, 4)]
    alloc = bs.allocate(_problem(ms, total=10**12), method=method)
    assert alloc.status == "optimal" and int(alloc.requests.sum()) == 10**12
    quota = np.array([10**12 // 6, 10**12 // 3, 10**12 // 2])
    assert np.abs(alloc.requests.to_numpy() - quota).max() <= 1


def test_more_municipalities_than_four_digit_ids_is_an_input_error_for_kommunenummer() -> None:
    n = 10_001
    df = pd.DataFrame(
        {
            "municipality_id": [f"{i:04d}" for i in range(n)],
            "name": [f"K{i}" for i in range(n)],
            "population": 1,
        }
    )
    assert len(bs.Problem.from_frame(df, total=100, criteria={"population": 1.0}).ids) == n
    with pytest.raises(bs.InputError) as info:
        bs.Problem.from_frame(
            df, total=100, criteria={"population": 1.0}, id_format="kommunenummer"
        )
    first = str(info.value).splitlines()
    assert first[0] == "Problem.from_frame found 1 problem in the input:"
    assert "got '10000'" in first[1]


def test_long_failure_lists_are_cut_in_the_message_but_kept_in_the_table() -> None:
    df = pd.DataFrame(
        {
            "municipality_id": [str(i) for i in range(60)],
            "name": [f"K{i}" for i in range(60)],
            "population": 1,
        }
    )
    with pytest.raises(bs.InputError) as info:
        bs.Problem.from_frame(df, total=10, criteria={"population": 1.0}, id_format="kommunenummer")
    lines = str(info.value).splitlines()
    assert lines[0] == "Problem.from_frame found 60 problems in the input:"
    assert lines[-1] == "- ... and 40 more (see failure_cases)."
    assert len(info.value.failure_cases) == 60


# -- files ---------------------------------------------------------------------------------


def test_a_50_mb_csv_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    row = "0301,Oslo,700," + "x" * 80 + "\n"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("kommunenummer,kommune,population,note\n")
        fh.write(row * (50_000_000 // len(row)))
    with pytest.raises(bs.InputError) as info:
        read_table(path)
    assert str(info.value) == (
        f"The input file {str(path)!r} is 50.0 MB; the limit is 20.0 MB "
        "(pass max_bytes= to read_table to raise it)."
    )


def test_an_empty_csv(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(bs.InputError) as info:
        read_table(path)
    assert str(info.value) == (
        f"{path}: the file is empty; expected a header row and one row per municipality."
    )


def test_a_header_only_csv(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("kommunenummer,kommune,population\n", encoding="utf-8")
    with pytest.raises(bs.InputError, match="at least one municipality is required"):
        read_problem(path, total=10, criteria={"population": 1.0})


def test_a_broken_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(bs.InputError, match=r"^.*broken.xlsx: not a readable .xlsx file"):
        read_table(path)


def test_malformed_json(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text("{municipalities: [", encoding="utf-8")
    with pytest.raises(bs.InputError, match=r"p.json: not valid JSON"):
        read_problem(path)


def test_json_problem_with_the_wrong_shape(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"municipalities": "all of them"}), encoding="utf-8")
    with pytest.raises(bs.InputError) as info:
        read_problem(path)
    assert str(info.value).startswith("read_problem(p.json) found 3 problems in the input:")


def test_latin1_bom_and_norwegian_excel_are_read(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        "kommunenummer;kommune;population;capacity\n1508;Ålesund;58509;2,5\n".encode("latin-1")
    )
    table = read_table(latin)
    assert table.loc[0, "kommune"] == "Ålesund" and table.loc[0, "capacity"] == 2.5
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbfkommunenummer,kommune,population\n0301,Oslo,1\n")
    assert read_problem(bom, total=1, criteria={"population": 1.0}).ids == ("0301",)


# -- the command line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (("allocate", "--total", "-5"), 2, "must be a whole number >= 0"),
        (("allocate", "--minors", "99999"), 2, "must not exceed the total"),
        (
            ("allocate", "--method", "borda"),
            2,
            "The `method` parameter of `allocate` must be one of",
        ),
        (("allocate", "--weights", "capacity=x"), 2, "weight of 'capacity' must be a number"),
        (
            ("allocate", "--weights", "jobs=1"),
            2,
            "must name criteria among previous_request, capacity",
        ),
        (("allocate", "--input", "nope.xlsx", "--total", "3"), 2, "does not exist"),
        (
            ("allocate", "--input", "data.parquet", "--total", "3"),
            2,
            "must name a .csv, .xlsx or .json file",
        ),
        (
            ("allocate", "--time-limit", "0", "--solver", "cbc"),
            2,
            "The `time_limit` parameter of `allocate` must be None or a positive number",
        ),
        (("scenarios", "--totals", "a:b"), 2, "--totals must be START:STOP:STEP"),
    ],
)
def test_cli_bad_input_is_exit_code_2_without_a_traceback(
    args: tuple[str, ...], code: int, fragment: str
) -> None:
    out = run(*args)
    assert out.returncode == code, out.stderr
    assert fragment in out.stderr and "Traceback" not in out.stderr


# -- solver faults ------------------------------------------------------------------------


def test_cbc_binary_not_executable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import busetting._solvers.milp as milp

    fake = tmp_path / "cbc"
    fake.write_text("not a program", encoding="utf-8")
    fake.chmod(0o644)
    monkeypatch.setattr(milp, "cbc_path", lambda: str(fake))
    p = _problem([_m(), _m("1103")], total=10)
    with pytest.raises(bs.SolverError, match=r"^cbc failed: "):
        bs.allocate(p, solver="cbc")


def test_values_within_the_integrality_tolerance_are_rounded_and_verified(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import busetting._solvers.milp as milp

    real = milp._make_backend

    class Noisy:
        def __init__(self, inner: object) -> None:
            self.inner = inner

        def actualSolve(self, lp, **kwargs):
            status = self.inner.actualSolve(lp, **kwargs)  # type: ignore[attr-defined]
            for v in lp.variables():
                if v.varValue is not None and v.name.startswith("x_"):
                    v.varValue -= 1e-9  # like HiGHS's 36.99999999999
            return status

    monkeypatch.setattr(milp, "_make_backend", lambda b, t: Noisy(real(b, t)))
    p = _problem([_m(population=700), _m("1103", population=150)], total=17)
    alloc = bs.allocate(p, solver="cbc")
    assert alloc.status == "optimal" and alloc.requests.tolist() == [14, 3]


# -- the generated catalogue: every field and cell with every kind of bad value -------------
# Each case must end in a typed InputError whose failure table names the field or cell; none
# may be accepted silently (rounded, dropped, last-wins) or end in an untyped exception.

BAD_COUNTS: list[object] = [-1, 2.5, "tre", float("nan"), float("inf"), [1]]
COUNT_FIELDS = ("min", "max", "fixed", "minors_max", "minors_min")
RULE_COUNTS = ("granularity", "min_request", "minors_min_group", "max_minors_hosts")
RULE_RATES = ("county_penalty", "per_capita_cap", "share_cap")
CELL_VALUES = ("2.5", "tre", "=1+1", "-1", "1" + "0" * 25, "")


def _typed(call: Callable[[], object]) -> bs.InputError:
    try:
        call()
    except bs.InputError as exc:
        return exc
    except Exception as exc:
        raise AssertionError(f"untyped {type(exc).__name__}: {exc}") from exc
    raise AssertionError("accepted silently")


GENERATED: list[tuple[str, Callable[[], object], str]] = []
for _field in ("population", *COUNT_FIELDS):
    for _bad in BAD_COUNTS:
        GENERATED.append(
            (f"Municipality.{_field}={_bad!r}", lambda f=_field, b=_bad: _m(**{f: b}), _field)
        )
for _field in ("total", "minors"):
    for _bad in BAD_COUNTS:
        _need = {"total": 10, _field: _bad}
        GENERATED.append((f"Need.{_field}={_bad!r}", lambda n=_need: bs.Need(**n), _field))
for _field in RULE_COUNTS:
    for _bad in [-1, 2.5, "tre", float("nan"), [1]]:
        GENERATED.append(
            (f"Rules.{_field}={_bad!r}", lambda f=_field, b=_bad: bs.Rules(**{f: b}), _field)
        )
for _field in RULE_RATES:
    for _bad in [-1.0, 0.0, "tre", float("nan"), float("inf")]:
        GENERATED.append(
            (f"Rules.{_field}={_bad!r}", lambda f=_field, b=_bad: bs.Rules(**{f: b}), _field)
        )
for _bad in [-1.0, "tre", float("nan"), float("inf"), [1]]:
    GENERATED.append(
        (
            f"Criterion.weight={_bad!r}",
            lambda b=_bad: bs.Criterion(name="c", indicator="c", weight=b),
            "weight",
        )
    )
for _bad in [-1.0, "tre", float("nan"), float("inf")]:
    GENERATED.append(
        (f"Municipality.indicators={_bad!r}", lambda b=_bad: _m(indicators={"c": b}), "indicators")
    )
for _column in ("population", *COUNT_FIELDS):
    for _cell in ("2.5", "tre", "-1", "=1+1", float("inf")):
        GENERATED.append(
            (
                f"from_frame {_column}={_cell!r}",
                _from_frame(_frame(**{_column: ["3", _cell]})),
                _column,
            )
        )
for _bad in ["borda", "", 3, None]:
    GENERATED.append(
        (
            f"allocate method={_bad!r}",
            lambda b=_bad: bs.allocate(_problem([_m()]), method=b),  # type: ignore[arg-type]
            "method",
        )
    )
for _bad in [-1, 0, "x", float("nan")]:
    GENERATED.append(
        (
            f"allocate time_limit={_bad!r}",
            lambda b=_bad: bs.allocate(_problem([_m()]), time_limit=b),  # type: ignore[arg-type]
            "time_limit",
        )
    )
for _bad in ["gurobi", "", 3]:
    GENERATED.append(
        (
            f"allocate solver={_bad!r}",
            lambda b=_bad: bs.allocate(_problem([_m()]), solver=b),  # type: ignore[arg-type]
            "solver",
        )
    )
for _param in ("decisions", "settled", "extra_capacity", "spare_capacity"):
    for _bad in [-1, 2.5, "tre", True]:
        GENERATED.append(
            (
                f"revise {_param}={_bad!r}",
                lambda p=_param, b=_bad: bs.revise(
                    bs.allocate(_problem([_m(), _m("1103")])), **{p: {"0301": b}}
                ),
                _param,
            )
        )
    GENERATED.append(
        (
            f"revise {_param} twice",
            lambda p=_param: bs.revise(
                bs.allocate(_problem([_m(), _m("1103")])),
                **{p: pd.Series([1, 2], index=["0301", "0301"])},
            ),
            "more than once",
        )
    )
    GENERATED.append(
        (
            f"revise {_param} unknown id",
            lambda p=_param: bs.revise(
                bs.allocate(_problem([_m(), _m("1103")])), **{p: {"9999": 1}}
            ),
            "not a municipality",
        )
    )


@pytest.mark.parametrize(("case", "call", "names"), GENERATED, ids=[c[0] for c in GENERATED])
def test_every_bad_field_is_a_typed_error_naming_it(
    case: str, call: Callable[[], object], names: str
) -> None:
    err = _typed(call)
    assert names in str(err) or names in " ".join(map(str, err.failure_cases.get("column", [])))


FILE_READERS = {
    "decisions": ("municipality_id,decision\n0301,{v}\n", "decision"),
    "settled": ("municipality_id,settled\n0301,{v}\n", "settled"),
    "extra": ("kommunenummer,extra_capacity\n0301,{v}\n", "extra_capacity"),
    "county totals": ("county,total\nOslo,{v}\n", "total"),
    "fixed": ("municipality_id,fixed\n0301,{v}\n", "fixed"),
}


def _read(kind: str, path: Path) -> object:
    from busetting.io import read_county_totals, read_fixed, read_named_counts

    if kind == "county totals":
        return read_county_totals(path)
    if kind == "fixed":
        return read_fixed(path)
    column = FILE_READERS[kind][1]
    return read_named_counts(path, (column,))


@pytest.mark.parametrize("value", [*CELL_VALUES, "inf", "TRUE"])
@pytest.mark.parametrize("kind", list(FILE_READERS))
def test_every_count_file_names_the_bad_cell(tmp_path: Path, kind: str, value: str) -> None:
    text, column = FILE_READERS[kind]
    path = tmp_path / "counts.csv"
    path.write_text(text.format(v=value), encoding="utf-8")
    err = _typed(lambda: _read(kind, path))
    case = err.failure_cases.iloc[0]
    assert (case["row"], case["column"]) == (2, column)


@pytest.mark.parametrize("kind", list(FILE_READERS))
def test_every_count_file_refuses_a_repeated_id(tmp_path: Path, kind: str) -> None:
    text, _ = FILE_READERS[kind]
    head, row = text.format(v=3).splitlines()
    path = tmp_path / "counts.csv"
    path.write_text(f"{head}\n{row}\n{row.rsplit(',', 1)[0]},4\n", encoding="utf-8")
    err = _typed(lambda: _read(kind, path))
    assert err.failure_cases.iloc[0]["row"] == 3
    assert "appears again" in err.failure_cases.iloc[0]["reason"]


PREVIOUS_VALUES = ("2.5", "tre", "=1+1", "-1", "1" + "0" * 25, "", "inf", "NaN", "TRUE")


@pytest.mark.parametrize("value", PREVIOUS_VALUES)
@pytest.mark.parametrize("column", ["request", "minors"])
def test_a_previous_allocation_names_every_bad_cell(
    tmp_path: Path, column: str, value: str
) -> None:
    from busetting._record import read_previous_run

    path = tmp_path / "prev.csv"
    cells = {"request": "3", "minors": "0", column: value}
    path.write_text(
        f"municipality_id,request,minors\n0301,{cells['request']},{cells['minors']}\n1103,4,0\n",
        encoding="utf-8",
    )
    err = _typed(lambda: read_previous_run(path))
    case = err.failure_cases.iloc[0]
    assert (case["file"], case["row"], case["column"]) == ("prev.csv", 2, column)


JSON_VALUES: list[object] = [2.5, "tre", -1, 10**30, None, True, "=1+1", [3]]


@pytest.mark.parametrize("value", JSON_VALUES, ids=[repr(v) for v in JSON_VALUES])
@pytest.mark.parametrize("column", ["request", "minors"])
def test_a_previous_json_names_every_bad_value(tmp_path: Path, column: str, value: object) -> None:
    from busetting._record import read_previous_run

    rows = [
        {"municipality_id": "0301", "request": 3, "minors": 0},
        {"municipality_id": "1103", "request": 4, "minors": 0},
    ]
    rows[1][column] = value
    path = tmp_path / "prev.json"
    path.write_text(json.dumps({"municipalities": rows}), encoding="utf-8")
    err = _typed(lambda: read_previous_run(path))
    assert err.failure_cases.iloc[0]["column"] == f"municipalities[2].{column}"


@pytest.mark.parametrize("value", CELL_VALUES[:-1])
@pytest.mark.parametrize("column", ["tilråding anmodning", "tilråding EM"])
def test_a_recommendation_csv_names_every_bad_cell(tmp_path: Path, column: str, value: str) -> None:
    path = tmp_path / "agder.csv"
    cells = {"tilråding anmodning": "10", "tilråding EM": "2", column: value}
    path.write_text(
        "kommunenummer,kommune,tilråding anmodning,tilråding EM\n"
        f"4201,Risør,{cells['tilråding anmodning']},{cells['tilråding EM']}\n",
        encoding="utf-8",
    )
    err = _typed(lambda: bs.read_recommendations(path))
    case = err.failure_cases.iloc[0]
    assert (case["row"], case["column"]) == (2, column)


@pytest.mark.parametrize(
    ("extra", "column"),
    [
        ("total,999\n", "parameter"),
        ("method,hamilton\n", "parameter"),
        ("minors,3\n", "parameter"),
    ],
)
def test_a_parameter_given_twice_is_refused(tmp_path: Path, extra: str, column: str) -> None:
    from busetting.io import read_parameters

    (tmp_path / "a.csv").write_text("municipality_id,request\n0301,3\n", encoding="utf-8")
    (tmp_path / "a.parameters.csv").write_text(
        "parameter,value\nmethod,webster\ntotal,3\nminors,0\n" + extra, encoding="utf-8"
    )
    err = _typed(lambda: read_parameters(tmp_path / "a.csv"))
    assert err.failure_cases.iloc[0]["column"] == column
    assert err.failure_cases.iloc[0]["file"] == "a.parameters.csv"
