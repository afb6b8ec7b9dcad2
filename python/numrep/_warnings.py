"""numrep's warnings, and how they are raised: pointed at the caller's code, the first frame
outside the numrep package however deep inside numrep the warning starts (the pandas accessor
calls ReputationDB.check_many, which calls the compiled module), so that the message names the
user's line and Python's filters see the user's module."""

from __future__ import annotations

import sys
import warnings


class LaterReportsWarning(UserWarning):
    """Verdicts as of a time before their numbers' last reports: a database keeps each number's
    totals, not each report's time, so those verdicts count the later reports too."""


class AmbiguousIntegersWarning(UserWarning):
    """Integers of a column that read validly both as a national and as an international number:
    they lost the leading zeros and '+' that told the two apart, and gave no number."""


def _inside_numrep(module: object) -> bool:
    return isinstance(module, str) and (module == "numrep" or module.startswith("numrep."))


def warn_caller(message: str, category: type[Warning]) -> None:
    """warnings.warn(message, category) at the first caller outside numrep."""
    frame = sys._getframe(1)
    level = 2  # stacklevel 2 is this function's caller
    while frame.f_back is not None and _inside_numrep(frame.f_globals.get("__name__")):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
