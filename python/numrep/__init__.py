"""numrep: phone-number reputation.

Parse numbers in any written form, tell which carrier a number was allocated to, store
millions of reported numbers in Bloom filters and succinct tries, and score them.

    >>> import numrep
    >>> numrep.parse("0912 345 678").e164
    '+84912345678'
    >>> numrep.lookup("+84 86 123 4567").carrier
    'Viettel'

Every call that reads text as a phone number takes ``region=``: the region whose national forms
it is in ("US", "gb"; None for international forms only; for batches also one per value). It
defaults to ``numrep.DEFAULT_REGION`` ("VN"), the C++ library's own default.

``keys()`` (TrieStore, ReputationDB) returns a NumPy uint64 array, which every batch call takes
as it is. What each call accepts, and how the Python names map to the C++ ones (``add`` /
``insert``, ``get`` / ``find``, ``*_many`` / ``*_batch``), is in docs/python.md.
"""

from __future__ import annotations

try:
    from . import _core  # noqa: F401 - imported first, to say what is wrong when it is missing
except ImportError as error:  # pragma: no cover - only when the package was not built
    raise ImportError(
        "numrep's compiled module numrep._core is missing: did you forget to build it? "
        "Install with `pip install .` from the source tree (see README.md)."
    ) from error

from ._core import (
    CATEGORY_NAMES,
    DEFAULT_REGION,
    LEVEL_NAMES,
    TYPE_NAMES,
    BloomFilter,
    FormatError,
    NumberInfo,
    NumberingPlan,
    ParseError,
    PhoneNumber,
    TrieStore,
    TrieStoreKeyIterator,
    Verdict,
    __version__,
    carrier_names,
    classify_category,
    is_valid_key,
    lookup,
    lookup_many,
    parse,
    parse_many,
    region_codes,
    region_names,
)
from .reputation import ReputationDB

__all__ = [
    "CATEGORY_NAMES",
    "DEFAULT_REGION",
    "LEVEL_NAMES",
    "TYPE_NAMES",
    "BloomFilter",
    "FormatError",
    "NumberInfo",
    "NumberingPlan",
    "ParseError",
    "PhoneNumber",
    "ReputationDB",
    "TrieStore",
    "TrieStoreKeyIterator",
    "Verdict",
    "__version__",
    "carrier_names",
    "classify_category",
    "is_valid_key",
    "lookup",
    "lookup_many",
    "parse",
    "parse_many",
    "region_codes",
    "region_names",
]
