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

import logging

from busetting import datasets, io, schemas, testing
from busetting._allocate import allocate, diagnose, fingerprint
from busetting._backtest import Backtest, backtest, fit_weights
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
from busetting._methods import Method
from busetting._model import Criterion, Municipality, Need, Problem, Rules
from busetting._reconcile import Recommendations, Reconciliation, reconcile
from busetting._report import write_report
from busetting._result import Allocation
from busetting._revise import Revision, revise, scenarios, sensitivity, uncertainty
from busetting._solvers import available_solvers
from busetting._status import Certificate, RulesCertificate, Shortfall, Status, Tie
from busetting._version import __version__

__all__ = [
    "DEFAULT_WEIGHTS",
    "Allocation",
    "Backtest",
    "BusettingError",
    "Calibration",
    "Certificate",
    "Criterion",
    "Explanation",
    "InfeasibleError",
    "InputError",
    "Key",
    "Method",
    "Municipality",
    "Need",
    "Problem",
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
    "__version__",
    "allocate",
    "available_solvers",
    "backtest",
    "build_key",
    "calibrate",
    "check_certificate",
    "compare",
    "county_drafts",
    "datasets",
    "default_weights",
    "diagnose",
    "fingerprint",
    "fit_weights",
    "io",
    "out_of_sample",
    "read_recommendations",
    "reconcile",
    "revise",
    "scenarios",
    "schemas",
    "sensitivity",
    "testing",
    "uncertainty",
    "verify",
    "write_change_report",
    "write_county_drafts",
    "write_report",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
# the library logs (at INFO, DEBUG) but never configures logging: an application that wants
# the messages adds its own handler; without one, nothing reaches "last resort" stderr
