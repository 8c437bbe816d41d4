"""busetting: how many refugees a national authority asks each municipality to settle.

National need + per-municipality indicators in; integer requests per municipality out,
summing exactly to the need, honouring the criteria, explainable line by line.

>>> import busetting as bs
>>> problem = bs.Problem(
...     municipalities=[
...         bs.Municipality(municipality_id="0301", name="Oslo", population=717710),
...         bs.Municipality(municipality_id="1103", name="Stavanger", population=149048),
...         bs.Municipality(municipality_id="1151", name="Utsira", population=207),
...     ],
...     criteria={"population": 1.0},
...     need=bs.Need(total=100),
... )
>>> alloc = bs.allocate(problem)
>>> alloc.status, alloc.requests.to_dict()
(<Status.OPTIMAL: 'optimal'>, {'0301': 83, '1103': 17, '1151': 0})
"""

import importlib as _importlib
import logging as _logging
import typing as _typing

if _typing.TYPE_CHECKING:
    from busetting import datasets, io, schemas, testing
    from busetting._accounting import Accounting, Change, Part, account
    from busetting._allocate import allocate, diagnose, fingerprint
    from busetting._answers import Answers, LateAnswer, read_answers
    from busetting._backtest import (
        Backtest,
        RecipeBacktest,
        backtest,
        backtest_recipes,
        choose_default,
        fit_weights,
    )
    from busetting._calibrate import Calibration, calibrate, out_of_sample
    from busetting._certificate import check_certificate
    from busetting._compare import compare
    from busetting._counties import (
        county_drafts,
        read_recommendations,
        write_change_report,
        write_county_drafts,
    )
    from busetting._criteria import DEFAULT_WEIGHTS, Key, build_key, default_weights
    from busetting._exceptions import BusettingError, InfeasibleError, InputError, SolverError
    from busetting._explain import Explanation, Verification, verify
    from busetting._letters import Letters, letters, write_answer_forms
    from busetting._methods import Method
    from busetting._model import Criterion, Municipality, Need, Problem, Rules
    from busetting._placement import Placements, next_placements
    from busetting._recipes import RECIPES, Recipe, parse_recipe
    from busetting._reconcile import Recommendations, Reconciliation, reconcile
    from busetting._report import write_report
    from busetting._result import Allocation
    from busetting._revise import Revision, revise, scenarios, sensitivity, uncertainty
    from busetting._solvers import available_solvers
    from busetting._status import Certificate, RulesCertificate, Shortfall, Status, Tie
    from busetting._version import __version__
    from busetting._yearstatus import (
        NationalStatus,
        YearStatus,
        history_status,
        status,
        write_status,
    )

__all__ = [
    "DEFAULT_WEIGHTS",
    "RECIPES",
    "Accounting",
    "Allocation",
    "Answers",
    "Backtest",
    "BusettingError",
    "Calibration",
    "Certificate",
    "Change",
    "Criterion",
    "Explanation",
    "InfeasibleError",
    "InputError",
    "Key",
    "LateAnswer",
    "Letters",
    "Method",
    "Municipality",
    "NationalStatus",
    "Need",
    "Part",
    "Placements",
    "Problem",
    "Recipe",
    "RecipeBacktest",
    "Recommendations",
    "Reconciliation",
    "Revision",
    "Rules",
    "RulesCertificate",
    "Shortfall",
    "SolverError",
    "Status",
    "Tie",
    "Verification",
    "YearStatus",
    "__version__",
    "account",
    "allocate",
    "available_solvers",
    "backtest",
    "backtest_recipes",
    "build_key",
    "calibrate",
    "check_certificate",
    "choose_default",
    "compare",
    "county_drafts",
    "datasets",
    "default_weights",
    "diagnose",
    "fingerprint",
    "fit_weights",
    "history_status",
    "io",
    "letters",
    "next_placements",
    "out_of_sample",
    "parse_recipe",
    "read_answers",
    "read_recommendations",
    "reconcile",
    "revise",
    "scenarios",
    "schemas",
    "sensitivity",
    "status",
    "testing",
    "uncertainty",
    "verify",
    "write_answer_forms",
    "write_change_report",
    "write_county_drafts",
    "write_report",
    "write_status",
]


_LAZY: dict[str, str] = {
    "DEFAULT_WEIGHTS": "busetting._criteria",
    "RECIPES": "busetting._recipes",
    "__version__": "busetting._version",
    "account": "busetting._accounting",
    "allocate": "busetting._allocate",
    "available_solvers": "busetting._solvers",
    "backtest": "busetting._backtest",
    "backtest_recipes": "busetting._backtest",
    "build_key": "busetting._criteria",
    "calibrate": "busetting._calibrate",
    "check_certificate": "busetting._certificate",
    "choose_default": "busetting._backtest",
    "compare": "busetting._compare",
    "county_drafts": "busetting._counties",
    "datasets": "busetting.datasets",
    "default_weights": "busetting._criteria",
    "diagnose": "busetting._allocate",
    "fingerprint": "busetting._allocate",
    "fit_weights": "busetting._backtest",
    "history_status": "busetting._yearstatus",
    "io": "busetting.io",
    "letters": "busetting._letters",
    "next_placements": "busetting._placement",
    "out_of_sample": "busetting._calibrate",
    "parse_recipe": "busetting._recipes",
    "read_answers": "busetting._answers",
    "read_recommendations": "busetting._counties",
    "reconcile": "busetting._reconcile",
    "revise": "busetting._revise",
    "scenarios": "busetting._revise",
    "schemas": "busetting.schemas",
    "sensitivity": "busetting._revise",
    "status": "busetting._yearstatus",
    "testing": "busetting.testing",
    "uncertainty": "busetting._revise",
    "verify": "busetting._explain",
    "write_answer_forms": "busetting._letters",
    "write_change_report": "busetting._counties",
    "write_county_drafts": "busetting._counties",
    "write_report": "busetting._report",
    "write_status": "busetting._yearstatus",
    "Accounting": "busetting._accounting",
    "Allocation": "busetting._result",
    "Answers": "busetting._answers",
    "Backtest": "busetting._backtest",
    "BusettingError": "busetting._exceptions",
    "Calibration": "busetting._calibrate",
    "Certificate": "busetting._status",
    "Change": "busetting._accounting",
    "Criterion": "busetting._model",
    "Explanation": "busetting._explain",
    "InfeasibleError": "busetting._exceptions",
    "InputError": "busetting._exceptions",
    "Key": "busetting._criteria",
    "LateAnswer": "busetting._answers",
    "Letters": "busetting._letters",
    "Method": "busetting._methods",
    "Municipality": "busetting._model",
    "NationalStatus": "busetting._yearstatus",
    "Need": "busetting._model",
    "Part": "busetting._accounting",
    "Placements": "busetting._placement",
    "Problem": "busetting._model",
    "Recipe": "busetting._recipes",
    "RecipeBacktest": "busetting._backtest",
    "Recommendations": "busetting._reconcile",
    "Reconciliation": "busetting._reconcile",
    "Revision": "busetting._revise",
    "Rules": "busetting._model",
    "RulesCertificate": "busetting._status",
    "Shortfall": "busetting._status",
    "SolverError": "busetting._exceptions",
    "Status": "busetting._status",
    "Tie": "busetting._status",
    "Verification": "busetting._explain",
    "YearStatus": "busetting._yearstatus",
}
"""Where each public name lives: ``import busetting`` imports none of them (PEP 562); the
first read of a name imports its module (and pandas, numpy or the embedded data only then)."""


def __getattr__(name: str) -> _typing.Any:
    """The public name ``name``, imported from its module on first use and kept."""
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'busetting' has no attribute {name!r}")
    module = _importlib.import_module(where)
    value = module if where == f"busetting.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names (``__all__``) and the module's own attributes."""
    return sorted(set(globals()) | set(__all__))


_logging.getLogger(__name__).addHandler(_logging.NullHandler())
# the library logs (at INFO, DEBUG) but never configures logging: an application that wants
# the messages adds its own handler; without one, nothing reaches "last resort" stderr
