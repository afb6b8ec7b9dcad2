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
    get_threads,
    is_valid_key,
    lookup,
    lookup_many,
    parse,
    parse_many,
    region_codes,
    region_names,
    set_threads,
)
from ._warnings import AmbiguousIntegersWarning, IntegerKeysWarning, LaterReportsWarning
from .reputation import ReputationDB

__all__ = [
    "CATEGORY_NAMES",
    "DEFAULT_REGION",
    "LEVEL_NAMES",
    "TYPE_NAMES",
    "AmbiguousIntegersWarning",
    "BloomFilter",
    "FormatError",
    "IntegerKeysWarning",
    "LaterReportsWarning",
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
    "get_threads",
    "is_valid_key",
    "lookup",
    "lookup_many",
    "parse",
    "parse_many",
    "region_codes",
    "region_names",
    "set_threads",
]


def _register_pandas_accessor() -> None:
    """Series.numrep (numrep._pandas), registered when pandas is imported: at once if it already
    is, otherwise by a finder that wraps pandas' loader and registers after pandas has loaded.
    numrep itself never imports pandas (the CLI and C++-minded users do not pay for it)."""
    import importlib.abc
    import importlib.util
    import sys

    if sys.modules.get("pandas") is not None:  # None: blocked, as if not installed
        from . import _pandas

        _pandas.register()
        return

    class _AfterPandas(importlib.abc.MetaPathFinder):
        searching = False

        def find_spec(self, name: str, path: object = None,
                      target: object = None) -> importlib.machinery.ModuleSpec | None:
            # Every spec of pandas this hands out registers the accessor once it has run, and the
            # finder stays until one has: a look-up that only asks whether pandas is there (as
            # polars does at import) must not use it up.
            if name != "pandas" or self.searching:
                return None
            self.searching = True
            try:
                spec = importlib.util.find_spec("pandas")  # the real search, this finder aside
            finally:
                self.searching = False
            if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
                return spec
            loader = spec.loader
            run = loader.exec_module
            finder = self

            def exec_module(module: object) -> None:
                run(module)  # type: ignore[arg-type]
                if finder in sys.meta_path:
                    sys.meta_path.remove(finder)
                from . import _pandas

                _pandas.register()

            loader.exec_module = exec_module  # type: ignore[method-assign]
            return spec

    if not any(type(f).__name__ == "_AfterPandas" for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterPandas())


_register_pandas_accessor()
