"""numrep's warnings, and how they are raised: pointed at the caller's code, the first frame
outside the numrep package however deep inside numrep the warning starts (the pandas accessor
calls ReputationDB.check_many, which calls the compiled module), so that the message names the
user's line and Python's filters see the user's module."""

from __future__ import annotations

import sys
import warnings
from typing import Any


class LaterReportsWarning(UserWarning):
    """Verdicts as of a time before their numbers' last reports: a database keeps each number's
    totals, not each report's time, so those verdicts count the later reports too."""


class AmbiguousIntegersWarning(UserWarning):
    """Integers of a column that read validly both as a national and as an international number:
    they lost the leading zeros and '+' that told the two apart, and gave no number."""


class IntegerKeysWarning(UserWarning):
    """Ints that ReputationDB.check and check_many took as E.164 keys (as they take every int) and
    that are no valid number as keys, but are one as numbers of the region that lost their
    leading zeros (912345678 for 0912 345 678 in VN): what pd.read_csv makes of a column of
    phone numbers. Their verdicts are those of the keys: most likely not what was meant."""


def _inside_numrep(module: object) -> bool:
    return isinstance(module, str) and (module == "numrep" or module.startswith("numrep."))


# Registries of warnings already shown, for messages that differ from call to call: one per
# calling file, each emptied when it reaches _MOST_REMEMBERED texts.
_REGISTRIES: dict[str, dict[Any, Any]] = {}
_MOST_REMEMBERED = 256


def warn_caller(message: str, category: type[Warning], *, varies: bool = False) -> None:
    """warnings.warn(message, category) at the first caller outside numrep. `varies=True` for a
    message that differs from call to call (a count, a time): Python's registry of warnings
    already shown, one per calling module, keeps every text it is given, and grew by one per call
    (1 KB each, 28 MB over 40,000 calls of a replay job). Such a warning is shown as by warn (a
    text once per line under the default filter), from a registry of numrep's own that forgets
    all it holds past _MOST_REMEMBERED texts (a text shown before may then be shown again)."""
    frame = sys._getframe(1)
    level = 2  # stacklevel 2 is this function's caller
    while frame.f_back is not None and _inside_numrep(frame.f_globals.get("__name__")):
        frame = frame.f_back
        level += 1
    if not varies:
        warnings.warn(message, category, stacklevel=level)
        return
    filename = frame.f_code.co_filename
    registry = _REGISTRIES.setdefault(filename, {})
    if len(registry) > _MOST_REMEMBERED:
        registry.clear()
    module = frame.f_globals.get("__name__")
    warnings.warn_explicit(message, category, filename, frame.f_lineno,
                           module=module if isinstance(module, str) else None, registry=registry)
