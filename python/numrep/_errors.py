"""numrep.ParseError, defined in Python so that its attributes are typed and documented; the
compiled module raises it (python/src/register_errors.cpp) and fills them in. Imports nothing
from numrep: the compiled module imports it while the package is still being imported."""

from __future__ import annotations


class ParseError(ValueError):
    """A value that is not a phone number: a ValueError whose message names the value and says
    why, with the same facts as attributes for code that handles the error (None where one does
    not apply, and on errors not about one value).

    ``reason`` is one of: ``"empty"``, ``"bad_character"``, ``"too_short"``, ``"too_long"``,
    ``"unknown_country_code"``, ``"missing_country_code"``, ``"unknown_region"`` (the text's
    reasons, as the C++ ``parse_errc`` names them), ``"missing_value"`` (None, NaN or a null in a
    batch with ``errors="raise"``), ``"ambiguous_integer"`` (an int that reads validly both as a
    national and as an international number), ``"invalid_integer"`` (an int with no valid
    reading) and ``"not_a_key"`` (an int that is no E.164 key).

    >>> try:
    ...     numrep.parse_many(["0912 345 678", "0912x"], region="VN", errors="raise")
    ... except numrep.ParseError as error:
    ...     error.item, error.value, error.reason, error.position
    (1, '0912x', 'bad_character', 4)
    """

    #: The value that did not parse, as given: a ``str`` (text read from a str, a NumPy ``U``
    #: array or an Arrow string column), ``bytes`` (from bytes, a NumPy ``S`` array or an Arrow
    #: binary column) or an ``int``. None for a missing value and for ``"unknown_region"`` (the
    #: region is at fault). A str holding lone surrogates, which are not UTF-8, comes back as
    #: numrep read it: the bytes they stand for, as ``os.fsdecode`` writes bytes that are not
    #: UTF-8 (``"\udced\udca0\udc80"`` for U+D800).
    value: str | bytes | int | None = None
    #: Why, as an identifier (the list above); the message says it in words.
    reason: str | None = None
    #: For ``"bad_character"``: the offending character's offset in ``value`` (an index into the
    #: str, or a byte offset into bytes), as the message gives it.
    position: int | None = None
    #: In batch calls: the value's index in the batch (its position, not a pandas label).
    item: int | None = None
