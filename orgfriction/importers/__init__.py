"""Importers: real data sources turned into canonical dataset folders (DESIGN §2).

Each returns an :class:`ImportResult` (the tables and a report of what was read, left out and why)
whose ``write(out)`` validates the tables as ``orgfriction validate`` would and writes them, with
``import_report.json``, atomically.

* :func:`import_git`: a git repository or exported log, with CODEOWNERS teams;
* :func:`import_events`: incident or ticket event logs (CSV, gzipped CSV, XES);
* :func:`import_jira`: Jira's CSV export, with a :class:`JiraMapping` of its fields.
"""

from orgfriction.importers._common import REPORT_FILE, ImportResult
from orgfriction.importers.codeowners import parse_codeowners
from orgfriction.importers.events import handover_of_work, import_events
from orgfriction.importers.git import import_git
from orgfriction.importers.jira import JiraMapping, import_jira

__all__ = [
    "REPORT_FILE",
    "ImportResult",
    "JiraMapping",
    "handover_of_work",
    "import_events",
    "import_git",
    "import_jira",
    "parse_codeowners",
]
