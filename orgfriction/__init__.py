"""orgfriction: find where organisational boundaries make simple work slow.

The public API; the Dash app and the notebooks import only these names.

Examples
--------
>>> import orgfriction
>>> company = orgfriction.generate_sample(n_teams=24, n_tickets=300, seed=1)
>>> dataset = orgfriction.Dataset.from_frames(company.frames)
>>> orgfriction.overview_counts(dataset)["tickets"]
300
"""

from orgfriction import explore, figures, importers
from orgfriction._version import __version__ as __version__
from orgfriction.analysis import Analysis, analyze
from orgfriction.config import Config
from orgfriction.dataset import Dataset, load
from orgfriction.errors import ConfigError, DataError, OrgfrictionError, Problem
from orgfriction.metrics import ticket_basics
from orgfriction.optimize import Plan, optimize
from orgfriction.overview import overview_counts, quarterly_counts
from orgfriction.report import report_html, write_report
from orgfriction.review import DECISIONS, ReviewConflict, ReviewError, ReviewStore
from orgfriction.sample import SampleCompany, generate_sample, write_sample
from orgfriction.whatif import (
    Change,
    MergeSystems,
    MergeTeams,
    PlatformTeam,
    RelaxSignoff,
    SplitSystem,
    TransferSystem,
    WhatIf,
)

__all__ = [
    "DECISIONS",
    "Analysis",
    "Change",
    "Config",
    "ConfigError",
    "DataError",
    "Dataset",
    "MergeSystems",
    "MergeTeams",
    "OrgfrictionError",
    "Plan",
    "PlatformTeam",
    "Problem",
    "RelaxSignoff",
    "ReviewConflict",
    "ReviewError",
    "ReviewStore",
    "SampleCompany",
    "SplitSystem",
    "TransferSystem",
    "WhatIf",
    "figures",
    "analyze",
    "explore",
    "generate_sample",
    "importers",
    "load",
    "optimize",
    "overview_counts",
    "quarterly_counts",
    "report_html",
    "ticket_basics",
    "write_report",
    "write_sample",
]
