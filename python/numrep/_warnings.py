"""Warnings pointed at the caller's code: the first frame outside the numrep package, however
deep inside numrep the warning is raised (the pandas accessor calls ReputationDB.check_many,
which calls the compiled module), so that Python's warning filters and the message's file and
line name the user's call."""

from __future__ import annotations

import os
import sys
import warnings

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def warn_caller(message: str, category: type[Warning] = UserWarning) -> None:
    """warnings.warn(message, category) at the first caller outside numrep."""
    frame = sys._getframe(1)
    level = 2  # stacklevel 2 is this function's caller
    while frame.f_back is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE + os.sep):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
