"""
numrep's compiled core; import numrep instead.
"""
from __future__ import annotations
import builtins
import collections.abc
import datetime
import numpy
import numpy.typing
from numrep._errors import ParseError
import os
import polars
import pyarrow
import typing
import typing_extensions
__all__: list[str] = ['BloomFilter', 'CATEGORY_NAMES', 'DEFAULT_REGION', 'FormatError', 'LEGACY_MOBILE_PREFIXES', 'LEVEL_NAMES', 'NumberInfo', 'NumberingPlan', 'ParseError', 'PhoneNumber', 'ReputationDB', 'TYPE_NAMES', 'TrieStore', 'TrieStoreKeyIterator', 'Verdict', 'carrier_names', 'classify_category', 'get_threads', 'is_valid_key', 'lookup', 'lookup_many', 'parse', 'parse_many', 'region_codes', 'region_names', 'set_threads']
class FormatError(ValueError):
    """
    A file that is not what numrep wrote, or no longer is (a Bloom filter, a trie store, a database
    directory): damaged, cut short, of another format or version. The message names the file and the fault.
    A ValueError, so that `except ValueError` catches it with other bad input.
    """
class PhoneNumber:
    """
    A telephone number as its E.164 integer key.
    """
    def __eq__(self, other: builtins.object) -> bool:
        ...
    def __ge__(self, arg0: PhoneNumber) -> bool:
        ...
    def __gt__(self, arg0: PhoneNumber) -> bool:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: str | int | PhoneNumber, region: str | None = 'VN') -> None:
        """
        Parse text, or take an int key, like numrep.parse.
        """
    def __int__(self) -> int:
        ...
    def __le__(self, arg0: PhoneNumber) -> bool:
        ...
    def __lt__(self, arg0: PhoneNumber) -> bool:
        ...
    def __reduce__(self) -> tuple[collections.abc.Callable[[int, bool, str], PhoneNumber], tuple[int, bool, str]]:
        ...
    def __repr__(self) -> str:
        ...
    def __str__(self) -> str:
        ...
    def _repr_html_(self) -> str:
        """
        The notebook form (Jupyter shows it): a table of what this is.
        """
    @property
    def country_code(self) -> int:
        """
        The calling code as an int, e.g. 84.
        """
    @property
    def e164(self) -> str:
        """
        E.164 text, e.g. '+84912345678'.
        """
    @property
    def extension(self) -> str:
        """
        Extension digits written after the number ('123' for 'x123', ';ext=123'), '' if none.
        Not part of the key: numbers that differ only in extension are equal.
        """
    @property
    def is_legacy(self) -> bool:
        """
        True if converted from a pre-2018 Vietnamese 11-digit (or old VSAT) number.
        """
    @property
    def key(self) -> int:
        """
        E.164 digits as an int, e.g. 84912345678.
        """
    @property
    def national(self) -> str:
        """
        National written form, e.g. '0912 345 678'.
        """
    @property
    def national_digits(self) -> str:
        """
        National significant number as digits, leading zeros kept (Italian fixed lines).
        """
    @property
    def national_number(self) -> int:
        """
        National significant number as an int (see national_digits for leading zeros).
        """
class NumberInfo:
    """
    What a numbering plan says about one number.
    """
    def __eq__(self, other: builtins.object) -> bool:
        """
        The same number (as PhoneNumber compares them) and the same fields.
        """
    def __hash__(self) -> int:
        ...
    def __reduce__(self) -> tuple[collections.abc.Callable[[PhoneNumber, str, str, str, str, bool], NumberInfo], tuple[PhoneNumber, str, str, str, str, bool]]:
        ...
    def __repr__(self) -> str:
        ...
    def _asdict(self) -> dict[str, str | bool]:
        """
        The fields as a dict (number as E.164 text).
        """
    @property
    def carrier(self) -> str:
        """
        Carrier the prefix was allocated to ('' if unknown; for mobile numbers); numbers may be ported.
        """
    @property
    def number(self) -> PhoneNumber:
        """
        The number looked up, as a PhoneNumber.
        """
    @property
    def region(self) -> str:
        """
        Geographic area for geographic numbers (Vietnamese province, US state, Canadian province), else ''.
        """
    @property
    def region_code(self) -> str:
        """
        ISO 3166 code of the region the number belongs to ('US', 'CA' for +1), '001' for non-geographic
        codes such as +800, '' when none.
        """
    @property
    def type(self) -> str:
        """
        One of TYPE_NAMES: libphonenumber's types (mobile, fixed_line,
        fixed_line_or_mobile, toll_free, ...), short_code (Vietnam) or unknown.
        """
    @property
    def valid(self) -> bool:
        """
        True if the plan says a number of this prefix and length exists.
        """
class NumberingPlan:
    """
    Longest-prefix table from keys to carrier, type and region. Extend it with libphonenumber's
    carrier and geocoding files ('prefix|name' lines) for other countries.
    """
    @staticmethod
    def vietnam() -> NumberingPlan:
        """
        A copy of the built-in Vietnamese plan.
        """
    @staticmethod
    def world() -> NumberingPlan:
        """
        A copy of the built-in world plan (every region; Vietnam's rules on top), to extend.
        """
    def __init__(self) -> None:
        """
        An empty plan.
        """
    def __reduce__(self) -> typing.NoReturn:
        ...
    def __repr__(self) -> str:
        ...
    def load_carrier_text(self, text: str, source: str = 'carrier data', national_lengths: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] = []) -> int:
        """
        Adds libphonenumber's carrier data: "prefix|name" lines (prefix with the country code), '#' comments.
        `source` names the text in error messages (a malformed line is a ValueError naming it, the line and
        the fault). `national_lengths`: the national lengths the prefixes apply to and validate (empty: every
        length, validating nothing). A prefix given again has its name replaced. Returns the prefix lines read.
        """
    def load_geocoding_text(self, text: str, source: str = 'geocoding data', national_lengths: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] = []) -> int:
        """
        Adds libphonenumber's geocoding data (areas: provinces, states) as load_carrier_text adds carriers.
        """
    def lookup(self, number: str | int | PhoneNumber, region: str | None = 'VN') -> NumberInfo:
        """
        Carrier, type, area, region code and validity of one number (str parsed in `region`, int key or
        PhoneNumber) by this plan.
        """
    def lookup_many(self, keys: numpy.typing.ArrayLike | collections.abc.Iterable[str | bytes | int | PhoneNumber | None], *, region: str | None | collections.abc.Sequence[str | None] | numpy.typing.NDArray[numpy.str_ | numpy.object_] = 'VN') -> dict[str, numpy.typing.NDArray[numpy.uint8 | numpy.uint16 | numpy.bool]]:
        """
        Columns for an array of keys, or of strings parsed with `region` (a pyarrow/polars/pandas column of
        strings is read in place; a string that does not parse is not valid): carrier and region codes (index carrier_names / region_names), type codes
        (index TYPE_NAMES), valid flags and region_code codes (index region_codes()). Releases the GIL.
        """
    @property
    def carrier_names(self) -> numpy.typing.NDArray[numpy.object_]:
        """
        Names of this plan's carrier codes (a NumPy object array; index 0 is '', none).
        """
    @property
    def region_names(self) -> numpy.typing.NDArray[numpy.object_]:
        """
        Names of this plan's area codes (a NumPy object array; index 0 is '', none).
        """
    @property
    def rule_count(self) -> int:
        """
        Prefix rules the plan holds.
        """
class BloomFilter:
    """
    A cache-line-blocked Bloom filter of phone numbers: `number in bf` is never False for a number added,
    and True for a number never added with probability about `fpr`. Numbers are str (parsed with `region=`,
    DEFAULT_REGION unless given), int keys or PhoneNumber; batches are NumPy uint64 key arrays (e.g. from
    parse_many) or lists of those.
    Filters with the same size, probe count and seed combine with |, &, |= and &=.
    
    Thread safety: every method may be called from any number of threads at once. add_many, update,
    contains_many, save, to_bytes and the estimates release the GIL, and each filter has a reader-writer
    lock: queries, save, to_bytes, copies and == share it; add, add_many and update take it exclusively
    (one writer at a time, no readers meanwhile), as do clear, |= and &=. With concurrent=True inserts are
    atomic and share the lock instead, so adds from several threads and queries run in parallel; without
    it, adds from several threads are correct but take turns.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    @staticmethod
    def from_bytes(data: typing_extensions.Buffer, *, concurrent: bool = False) -> BloomFilter:
        """
        A writable filter from to_bytes() output (bytes, bytearray, memoryview or any contiguous buffer);
        concurrent=True: atomic inserts, as the constructor's. Raises FormatError for damaged bytes.
        """
    @staticmethod
    def load(path: str | bytes | os.PathLike[str] | os.PathLike[bytes], *, concurrent: bool = False) -> BloomFilter:
        """
        Read a saved filter into a new writable one (concurrent=True: atomic inserts, as the constructor's).
        Raises FormatError for a damaged or foreign file.
        """
    @staticmethod
    def open(path: str | bytes | os.PathLike[str] | os.PathLike[bytes], *, verify: typing.Literal['full', 'header'] = 'full') -> BloomFilter:
        """
        Map a saved filter read-only (zero copy, pages read on first use); add and other updates raise TypeError.
        verify="full" (default) checks every byte against its checksum, reading the whole file once;
        verify="header" checks only the header, so that opening a huge filter reads one page (a corrupted bit
        array then gives wrong answers, never a crash). Raises FormatError for a damaged or foreign file.
        """
    def __and__(self, arg0: BloomFilter) -> BloomFilter:
        """
        Intersection of the bit arrays: True for numbers of both, with a higher FPR than a filter of the intersection. It keeps the left operand's capacity, as the union does.
        """
    def __bool__(self) -> bool:
        """
        Always True: a filter is never an empty container.
        """
    def __contains__(self, number: str | int | PhoneNumber) -> bool:
        ...
    def __copy__(self) -> BloomFilter:
        """
        A writable copy.
        """
    def __deepcopy__(self, memo: dict[int, builtins.object]) -> BloomFilter:
        ...
    def __eq__(self, other: builtins.object) -> bool:
        """
        Same size, probe count, seed and bits (capacity is not compared).
        """
    def __iand__(self, arg0: BloomFilter) -> BloomFilter:
        ...
    def __init__(self, capacity: int, fpr: float = 0.01, *, seed: int | None = None, concurrent: bool = False) -> None:
        """
        A filter for `capacity` numbers (at least 1) at false-positive rate `fpr` (in (0, 1)) once full.
        seed: hash seed (default: a fixed one, so that default filters merge); concurrent: atomic inserts.
        """
    def __ior__(self, arg0: BloomFilter) -> BloomFilter:
        ...
    def __len__(self) -> int:
        """
        approx_len() rounded: an ESTIMATE of the distinct numbers added, not an exact count.
        """
    def __or__(self, arg0: BloomFilter) -> BloomFilter:
        """
        Union: a filter answering True for numbers of either (same size, probe count and seed, else ValueError). It keeps the left operand's capacity (filters of one size may have been made for slightly different capacities; == does not compare them).
        """
    def __reduce__(self) -> tuple[collections.abc.Callable[[bytes, bool], BloomFilter], tuple[bytes, bool]]:
        ...
    def __repr__(self) -> str:
        ...
    def _repr_html_(self) -> str:
        """
        The notebook form (Jupyter shows it): a table of what this is.
        """
    def add(self, number: str | int | PhoneNumber, *, region: str | None = 'VN') -> None:
        """
        Add one number (str parsed with `region`, int key or PhoneNumber).
        """
    def add_many(self, keys: numpy.typing.ArrayLike | collections.abc.Iterable[str | bytes | int | PhoneNumber | None], *, region: str | None | collections.abc.Sequence[str | None] | numpy.typing.NDArray[numpy.str_ | numpy.object_] = 'VN') -> None:
        """
        Add a NumPy array of integer keys, or a list / array of str, int or PhoneNumber (strings parsed with
        `region`: one for all or one per value; an invalid string raises ParseError naming the item).
        Releases the GIL.
        """
    def approx_len(self) -> float:
        """
        An ESTIMATE of the number of distinct numbers added, from the bits set (within a few percent up to
        capacity for a filter of a few thousand numbers or more, within about 15% for one of 10 to 100;
        repeated adds of one number count once). Of `a & b`, the numbers whose bits both filters set, which
        overcounts those added to both. A pass over the bits; releases the GIL.
        """
    def clear(self) -> None:
        """
        Remove every number (set all bits to 0).
        """
    def contains(self, number: str | int | PhoneNumber, *, region: str | None = 'VN') -> bool:
        """
        `number in bf` with a region for national forms: True if the number may have been added.
        """
    def contains_many(self, keys: numpy.typing.ArrayLike | collections.abc.Iterable[str | bytes | int | PhoneNumber | None], *, region: str | None | collections.abc.Sequence[str | None] | numpy.typing.NDArray[numpy.str_ | numpy.object_] = 'VN') -> numpy.typing.NDArray[numpy.bool]:
        """
        Membership of each key as a NumPy bool array; inputs as add_many. Releases the GIL.
        """
    def save(self, path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> None:
        """
        Write the filter to `path` atomically (numrep store format, readable from C++).
        """
    def to_bytes(self) -> bytes:
        """
        The filter in the file format, as bytes.
        """
    def update(self, numbers: numpy.typing.ArrayLike | collections.abc.Iterable[str | bytes | int | PhoneNumber | None], *, region: str | None | collections.abc.Sequence[str | None] | numpy.typing.NDArray[numpy.str_ | numpy.object_] = 'VN') -> None:
        """
        Add every number of an iterable (as add_many).
        """
    @property
    def bits_per_key(self) -> float:
        """
        Bits per number at capacity (inf for a capacity of 0, which only a file can give).
        """
    @property
    def capacity(self) -> int:
        """
        Numbers the filter was sized for.
        """
    @property
    def concurrent(self) -> bool:
        """
        True if inserts are atomic (run in parallel from several threads).
        """
    @property
    def expected_fpr(self) -> float:
        """
        False-positive rate expected for a number never added, given the bits set now
        (a pass over the bits).
        """
    @property
    def fpr_at_capacity(self) -> float:
        """
        Model false-positive rate once `capacity` distinct numbers are in.
        """
    @property
    def num_bits(self) -> int:
        """
        Size of the bit array.
        """
    @property
    def num_probes(self) -> int:
        """
        k: bits set and tested per number.
        """
    @property
    def read_only(self) -> bool:
        """
        True for a filter from BloomFilter.open.
        """
    @property
    def seed(self) -> int:
        """
        Hash seed.
        """
    @property
    def size_in_bytes(self) -> int:
        """
        Bytes of the bit array.
        """
class TrieStoreKeyIterator:
    """
    Ascending int keys of a TrieStore (iter(store)).
    """
    def __iter__(self) -> TrieStoreKeyIterator:
        ...
    def __length_hint__(self) -> int:
        ...
    def __next__(self) -> int:
        ...
    def __reduce__(self) -> typing.NoReturn:
        ...
class TrieStore:
    """
    A static, exact set of phone numbers (E.164 int keys of any country, 1 to 15 digits), optionally with an
    unsigned integer per number, in close to the information-theoretic minimum of space (a succinct trie:
    dense top digit levels over Elias-Fano coded lower digits). Build it once with TrieStore.build; it never
    changes afterwards, so every method may be called from any number of threads (no lock needed).
    
    Single calls (get, contains, `in`, rank) take str (parsed with `region=`, DEFAULT_REGION unless given), int
    keys or PhoneNumber. Batch calls (contains_many, get_many) take NumPy integer arrays (e.g. from parse_many)
    as they are, or lists of ints or strings, and release the GIL. Values are returned as uint64 whatever the dtype they were given in.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    @staticmethod
    def build(keys: numpy.typing.ArrayLike | collections.abc.Iterable[str | bytes | int | PhoneNumber | None], values: numpy.typing.ArrayLike | collections.abc.Iterable[int] | None = None, merge: typing.Literal['sum', 'max', 'last'] | collections.abc.Callable[[int, int], int] = 'sum', *, region: str | None | collections.abc.Sequence[str | None] | numpy.typing.NDArray[numpy.str_ | numpy.object_] = 'VN') -> TrieStore:
        """
        Build a store from `keys` in any order: a NumPy integer array, a list of ints, a list or array of str
        (parsed as parse_many(keys, region, errors="raise"): an unparseable item raises ParseError naming it), or
        a pandas Series. values=None gives a set; otherwise `values` (NumPy unsigned or non-negative integer array,
        or a list of ints up to 2**64 - 1, one per key) gives a map. A key given more than once has its values combined by
        `merge`: "sum" (saturating at 2**64 - 1), "max", "last" (the value given last), or a function
        merge(accumulated, next) -> int called in input order. A key that is 0, negative or longer than 15 digits
        is a ValueError naming it. Releases the GIL (except while calling a merge function).
        """
    @staticmethod
    def from_bytes(data: typing_extensions.Buffer) -> TrieStore:
        """
        A store from to_bytes() output (bytes, bytearray, memoryview or any contiguous buffer), fully
        verified. FormatError for damaged bytes.
        """
    @staticmethod
    def load(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> TrieStore:
        """
        Read a saved store into memory (fully verified). FormatError for a damaged or foreign file.
        """
    @staticmethod
    def open(path: str | bytes | os.PathLike[str] | os.PathLike[bytes], *, verify: typing.Literal['full', 'header'] = 'full') -> TrieStore:
        """
        Map a saved store read-only and query it in place (zero copy). verify="full" (default) checks the
        checksum and every internal invariant first; verify="header" checks sizes only (a corrupted store may
        then answer wrongly, never crash). FormatError for a damaged or foreign file, OSError if unreadable.
        """
    def __contains__(self, number: str | int | PhoneNumber) -> bool:
        ...
    def __eq__(self, other: builtins.object) -> bool:
        """
        The same keys and, for stores with values, the same value for each (how each was made or opened
        does not matter); a set never equals a store with values.
        """
    def __iter__(self) -> TrieStoreKeyIterator:
        """
        Every key in ascending order, one at a time (the iterator keeps the store alive).
        """
    def __len__(self) -> int:
        ...
    def __reduce__(self) -> tuple[collections.abc.Callable[[bytes], TrieStore], tuple[bytes]]:
        ...
    def __repr__(self) -> str:
        ...
    def _repr_html_(self) -> str:
        """
        The notebook form (Jupyter shows it): a table of what this is.
        """
    def contains(self, number: str | int | PhoneNumber, *, region: str | None = 'VN') -> bool:
        """
        `number in ts` with a region for national forms.
        """
    def contains_many(self, keys: numpy.typing.ArrayLike | collections.abc.Iterable[str | bytes | int | PhoneNumber | None], *, region: str | None | collections.abc.Sequence[str | None] | numpy.typing.NDArray[numpy.str_ | numpy.object_] = 'VN') -> numpy.typing.NDArray[numpy.bool]:
        """
        Membership of each key as a NumPy bool array. Keys: a NumPy integer array (used as is; 0 or keys
        longer than 15 digits are simply absent), a list of ints, or a list / array of str parsed with `region`
        (ParseError naming an unparseable item). Releases the GIL.
        """
    def count_prefix(self, prefix: str | int | PhoneNumber) -> int:
        """
        Number of keys whose digits start with `prefix`, keys of every length included: "+8491234", "84 912-34",
        8491234 or a PhoneNumber. A str may have a leading '+' and spaces, dashes, dots or parentheses between
        digits; letters, other characters, a leading 0 (a national form) or more than 15 digits are a ValueError.
        Takes time independent of the count.
        """
    def get(self, number: str | int | PhoneNumber, default: int | None = None, *, region: str | None = 'VN') -> int | None:
        """
        The value of `number` (str parsed with `region`, int key or PhoneNumber), or `default` if absent.
        TypeError for a set.
        """
    def get_many(self, keys: numpy.typing.ArrayLike | collections.abc.Iterable[str | bytes | int | PhoneNumber | None], default: int = 0, *, region: str | None | collections.abc.Sequence[str | None] | numpy.typing.NDArray[numpy.str_ | numpy.object_] = 'VN') -> tuple[numpy.typing.NDArray[numpy.uint64], numpy.typing.NDArray[numpy.bool]]:
        """
        (values, found) for a batch of keys (inputs as contains_many): a uint64 array holding each key's value,
        or `default` (0 unless given) where the key is absent, and a bool array saying which keys were found.
        TypeError for a set. Releases the GIL.
        """
    def keys(self, prefix: str | int | PhoneNumber | None = None) -> numpy.typing.NDArray[numpy.uint64]:
        """
        The keys under `prefix` (as count_prefix; None: every key), ascending, as a NumPy uint64 array (as
        ReputationDB.keys). Releases the GIL. To walk a huge store without the array, iterate the store.
        """
    def rank(self, number: str | int | PhoneNumber, *, region: str | None = 'VN') -> int:
        """
        Number of keys smaller than `number`'s key: its position in ascending order if present.
        """
    def save(self, path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> None:
        """
        Write the store to `path` (str or PathLike) atomically, in numrep's store format (readable from C++).
        """
    def select(self, i: typing.SupportsIndex) -> int:
        """
        The key at position i in ascending order (negative i counts from the end); IndexError out of range.
        """
    def to_bytes(self) -> bytes:
        """
        The store in the file format, as bytes.
        """
    @property
    def bits_per_key(self) -> float:
        """
        Bits per key of the key structure (values not included); 0.0 for an empty store.
        """
    @property
    def has_values(self) -> bool:
        """
        True for a map (built with values), False for a set.
        """
    @property
    def key_bytes(self) -> int:
        """
        Bytes of the key structure.
        """
    @property
    def size_in_bytes(self) -> int:
        """
        Bytes of the whole store: its file size, keys, values and header.
        """
    @property
    def value_bytes(self) -> int:
        """
        Bytes of the values (a few for a set: the empty value sections).
        """
class _Builder:
    """
    Builds a database directory from reports added in any number of calls, within a memory budget: records
    spill to sorted runs, merged at finish() into shards. numrep.ReputationDB.build and the CLI use it.
    """
    def __init__(self, path: str | bytes | os.PathLike[str] | os.PathLike[bytes], half_life_days: typing.SupportsFloat | typing.SupportsIndex = 90.0, bloom_fpr: typing.SupportsFloat | typing.SupportsIndex = 0.001, memory: typing.SupportsInt | typing.SupportsIndex = 0, shards: typing.SupportsInt | typing.SupportsIndex = 0, temp_dir: str | bytes | os.PathLike[str] | os.PathLike[bytes] | None = None, region: str | None = 'VN') -> None:
        ...
    def __reduce__(self) -> typing.NoReturn:
        ...
    def add_arrays(self, keys: typing.Annotated[numpy.typing.ArrayLike, numpy.uint64], times: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], category_codes: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], category_names: collections.abc.Sequence[str], sources: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], not_spam: typing.Annotated[numpy.typing.ArrayLike, numpy.bool]) -> None:
        """
        Reports as columns (keys 0: rows already counted as bad), as _from_arrays takes them.
        """
    def add_csv(self, paths: str | bytes | os.PathLike[str] | os.PathLike[bytes] | collections.abc.Iterable[str | bytes | os.PathLike[str] | os.PathLike[bytes]], preset: str | None, number: str | None, time: str | None, category: str | None, source: str | None, not_spam: str | None, delimiter: str | None, region: str | None, keep_preset_region: bool, strict: bool, rejects: str | bytes | os.PathLike[str] | os.PathLike[bytes] | None, default_time: datetime.datetime | datetime.date | numpy.datetime64 | int | float | str | None, progress: collections.abc.Callable[[int, int, int, int], None] | None) -> tuple[dict[str, int | str | dict[str, int] | list[dict[str, int | str]]], str | None]:
        """
        Reads CSV files as _from_csv does; returns (ingest stats, the region national forms were read in).
        """
    def add_records(self, keys: typing.Annotated[numpy.typing.ArrayLike, numpy.uint64], records: typing.Annotated[numpy.typing.ArrayLike, numpy.uint32]) -> None:
        """
        Whole records (keys sorted, records (n, 13) uint32), merged in.
        """
    def close(self) -> None:
        """
        Gives up the build: its records and its spilled runs (the spill folder) go now (or when a call running meanwhile returns), not when the object does (a traceback that holds it, kept by a notebook, kept the folder on disk).
        """
    def finish(self, region: str | None) -> dict[str, int]:
        """
        Merges everything added and publishes the database (national forms recorded as read in `region`); returns counts: numbers, shards, runs spilled, bytes spilled.
        """
class _Publication:
    """
    A publication of a database directory's next generation: holds the writers' lock until commit(entries).
    """
    def __init__(self, path: str | bytes | os.PathLike[str] | os.PathLike[bytes], half_life_days: typing.SupportsFloat | typing.SupportsIndex, bloom_fpr: typing.SupportsFloat | typing.SupportsIndex, region: str | None) -> None:
        ...
    def __reduce__(self) -> typing.NoReturn:
        ...
    def close(self) -> None:
        """
        Releases the lock (the files of an uncommitted publication are removed by the next save or open).
        """
    def commit(self, entries: collections.abc.Sequence[tuple[int, int, int, tuple[str, int, int], tuple[str, int, int]]]) -> None:
        """
        Checks every shard's files and publishes them with one atomic rename.
        """
    @property
    def directory(self) -> str:
        ...
    @property
    def generation(self) -> int:
        ...
class Verdict:
    """
    numrep's verdict on one number: score, level, its reports, its carrier.
    """
    def __reduce__(self) -> tuple[collections.abc.Callable[..., Verdict], tuple[int, bool, float, int, bool, float, int, bytes, str, int, str, str, bool, int, int, int]]:
        ...
    def __repr__(self) -> str:
        ...
    def _repr_html_(self) -> str:
        """
        The notebook form (Jupyter shows it): a table of what this is.
        """
    @property
    def as_of(self) -> datetime.datetime:
        """
        The time the verdict is as of (the `now` it was judged at: scores decay with time), UTC.
        """
    @property
    def as_of_seconds(self) -> int:
        """
        as_of in unix seconds.
        """
    @property
    def carrier(self) -> str:
        """
        The carrier the number's range was allocated to by the numbering plan (not the one it may have been
        ported to), '' if the plan names none.
        """
    @property
    def counts(self) -> dict[str, int]:
        """
        Reports per category.
        """
    @property
    def delisted(self) -> bool:
        """
        True when the number is judged clean whatever its score: nothing reported for quiet_days, or not-spam
        votes reaching both delist_min_votes and its reports (docs/scoring.md).
        """
    @property
    def distinct_sources(self) -> int:
        """
        Estimated distinct sources that reported the number: each sets one of 32 bits by a hash of its name,
        so sources that share a bit count once (docs/scoring.md, "Sources").
        """
    @property
    def e164(self) -> str:
        """
        The number in E.164 form, e.g. '+84912345678'.
        """
    @property
    def first_seen(self) -> datetime.datetime | None:
        """
        Time of the number's first report (UTC), None if it has none.
        """
    @property
    def includes_later_reports(self) -> bool:
        """
        True when the number was reported after as_of: a database keeps each number's totals, not each report's time,
        so the verdict counts those reports as if they had come by then.
        """
    @property
    def key(self) -> int:
        """
        The number's E.164 digits as an int, e.g. 84912345678.
        """
    @property
    def last_seen(self) -> datetime.datetime | None:
        """
        Time of the number's latest report (UTC), None if it has none.
        """
    @property
    def level(self) -> str:
        """
        clean, suspicious or likely_scam.
        """
    @property
    def not_spam(self) -> int:
        """
        "Not spam" votes for the number (they keep no time: every one counts).
        """
    @property
    def recent_reports(self) -> float:
        """
        Reports weighted by age (a report one half-life old counts 0.5).
        """
    @property
    def region(self) -> str:
        """
        Geographic area (province, state) for geographic numbers, else ''.
        """
    @property
    def region_code(self) -> str:
        """
        ISO 3166 code of the number's region ('US', 'VN'; '001' non-geographic; '' none).
        """
    @property
    def reported(self) -> bool:
        """
        True when the database holds a record of the number (reports, or not-spam votes alone).
        """
    @property
    def reports(self) -> int:
        """
        Reports of the number, every category and time (the sum of counts).
        """
    @property
    def score(self) -> float:
        """
        0 (nothing known) to 100.
        """
    @property
    def type(self) -> str:
        """
        The number's type by the plan: one of numrep.TYPE_NAMES ('mobile', 'fixed_line', ...).
        """
    @property
    def valid(self) -> bool:
        """
        True when the numbering plan says the number can exist (its length and prefix are allocated).
        """
class ReputationDB:
    """
    The compiled part of numrep.ReputationDB (its base class): reported numbers and their records,
    a succinct trie snapshot behind a Bloom filter, plus a delta of later reports. Use
    numrep.ReputationDB.from_csv / from_frame / open, which return numrep.ReputationDB.
    """
    @staticmethod
    def _from_arrays(keys: typing.Annotated[numpy.typing.ArrayLike, numpy.uint64], times: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], category_codes: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], category_names: collections.abc.Sequence[str], sources: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], not_spam: typing.Annotated[numpy.typing.ArrayLike, numpy.bool], half_life_days: typing.SupportsFloat | typing.SupportsIndex, region: str | None) -> ReputationDB:
        ...
    @staticmethod
    def _from_csv(paths: str | bytes | os.PathLike[str] | os.PathLike[bytes] | collections.abc.Iterable[str | bytes | os.PathLike[str] | os.PathLike[bytes]], preset: str | None, number: str | None, time: str | None, category: str | None, source: str | None, not_spam: str | None, delimiter: str | None, region: str | None, keep_preset_region: bool, strict: bool, rejects: str | bytes | os.PathLike[str] | os.PathLike[bytes] | None, default_time: datetime.datetime | datetime.date | numpy.datetime64 | int | float | str | None, half_life_days: typing.SupportsFloat | typing.SupportsIndex, progress: collections.abc.Callable[[int, int, int, int], None] | None) -> ReputationDB:
        ...
    @staticmethod
    def _open(path: str | bytes | os.PathLike[str] | os.PathLike[bytes], region: str | None, saved_region: bool) -> ReputationDB:
        """
        Open a saved database (a directory); its stores are memory-mapped. Unless saved_region, `region` (None: international forms only) replaces the one it was saved with.
        """
    def __init__(self, db: ReputationDB) -> None:
        """
        The same database as `db` (shared, not copied): how numrep.ReputationDB takes over one made here.
        """
    def __len__(self) -> int:
        """
        Distinct reported numbers, snapshot and delta together.
        """
    def __reduce__(self) -> typing.NoReturn:
        ...
    def __repr__(self) -> str:
        ...
    def _add_arrays(self, keys: typing.Annotated[numpy.typing.ArrayLike, numpy.uint64], times: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], category_codes: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], category_names: collections.abc.Sequence[str], sources: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], not_spam: typing.Annotated[numpy.typing.ArrayLike, numpy.bool]) -> None:
        ...
    def _check_many(self, numbers: numpy.typing.ArrayLike | collections.abc.Iterable[str | bytes | int | PhoneNumber | None], now: datetime.datetime | datetime.date | numpy.datetime64 | int | float | str | None, region: str | None | collections.abc.Sequence[str | None] | numpy.typing.NDArray[numpy.str_ | numpy.object_]) -> tuple[dict[str, numpy.typing.NDArray[numpy.float64 | numpy.uint8 | numpy.uint16 | numpy.uint32 | numpy.uint64 | numpy.int64 | numpy.bool]], int, int]:
        """
        Verdict columns, the rows reported after `now`, and the unix seconds they are as of; now="latest": the newest report's time in the state the verdicts come from.
        """
    def _latest_report_seconds(self) -> int:
        """
        The newest report's unix seconds in one state of the database (-1: none); a pass over every record.
        """
    def _save_with_region(self, path: str | bytes | os.PathLike[str] | os.PathLike[bytes], region: str | None) -> None:
        """
        save(path), with `region` (None: international forms only) as the region saved, from now on.
        """
    def check(self, number: str | int | PhoneNumber, now: datetime.datetime | datetime.date | numpy.datetime64 | int | float | str | None = None, region: str | None = 'VN') -> Verdict:
        """
        The verdict on one number (str, int key or PhoneNumber) at `now` (datetime or unix seconds; default: now).
        """
    def compact(self) -> None:
        """
        Fold reports added since the build into a new snapshot.
        """
    def count_prefix(self, prefix: str | int | PhoneNumber) -> int:
        """
        How many reported numbers start with `prefix` ("+8491234", 8491234).
        """
    def keys(self, prefix: str | int | PhoneNumber | None = None) -> numpy.typing.NDArray[numpy.uint64]:
        """
        Reported numbers (keys, ascending) starting with `prefix` (e.g. "+8491"; None: all).
        """
    def save(self, path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> None:
        """
        Save as a directory (the delta is compacted first); atomic. Saving back to the directory the database was opened from is a RuntimeError when another object or process has published there since (its reports would be lost).
        """
    def shard_ranges(self) -> list[tuple[int, int]]:
        """
        The (first key, last key) of each shard, in key order.
        """
    @property
    def _csv_stats(self) -> dict[str, int | str | dict[str, int] | list[dict[str, int | str]]]:
        ...
    @property
    def _generation(self) -> int:
        """
        States published so far (reports added, compactions ended): the same value, the same contents.
        """
    @property
    def bloom_bytes(self) -> int:
        """
        Bytes of the Bloom filters, every shard.
        """
    @property
    def delta_size(self) -> int:
        """
        Numbers in the reports added since the snapshot (add_reports), each once; 0 after compact().
        """
    @property
    def half_life_days(self) -> float:
        """
        Days after which a report counts half in the score (90 unless the database was built with another).
        """
    @property
    def quiet_days(self) -> float:
        """
        Days without a report after which a number is delisted (clean): 365 unless the database's settings say otherwise.
        """
    @property
    def records_bits_per_key(self) -> float:
        """
        Bits per number of the tries' key structure, every shard.
        """
    @property
    def records_bytes(self) -> int:
        """
        Bytes of the record tries, every shard.
        """
    @property
    def region(self) -> str | None:
        """
        The region national forms are read in by default: the one the database was built (or opened) with.
        """
    @property
    def shard_count(self) -> int:
        """
        Key ranges the snapshot is split into (1 unless built sharded).
        """
    @property
    def snapshot_size(self) -> int:
        """
        Numbers in the snapshot (the compacted part; delta_size counts those added since).
        """
def _ambiguous_integers(values: typing.Annotated[numpy.typing.ArrayLike, numpy.uint64], region: str | None | collections.abc.Sequence[str | None] | numpy.typing.NDArray[numpy.str_ | numpy.object_]) -> numpy.typing.NDArray[numpy.bool]:
    """
    For each integer, whether it reads validly both as a national number of its region and as an international
    number (or as two national numbers), so that the integer rule takes neither.
    """
def _bad_time_hint(written: str, order: typing.SupportsInt | typing.SupportsIndex) -> str:
    """
    What follows the reason a time in a column is bad, as the CSV reader says it ("" when nothing).
    """
def _bloom_filter_from_state(data: typing_extensions.Buffer, concurrent: bool) -> BloomFilter:
    """
    Unpickles a BloomFilter (a writable copy, even of a mapped one).
    """
def _check_replaceable(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> None:
    """
    ValueError unless saving at `path` may replace what is there: nothing, an empty directory, a database, or the files
    a save or build that never published left (the rule every save applies; the CLI asks before it reads).
    """
def _csv_records(paths: str | bytes | os.PathLike[str] | os.PathLike[bytes] | collections.abc.Iterable[str | bytes | os.PathLike[str] | os.PathLike[bytes]], preset: str | None, number: str | None, time: str | None, category: str | None, source: str | None, not_spam: str | None, delimiter: str | None, region: str | None, keep_preset_region: bool, strict: bool, default_time: datetime.datetime | datetime.date | numpy.datetime64 | int | float | str | None, half_life_days: typing.SupportsFloat | typing.SupportsIndex) -> tuple[numpy.typing.NDArray[numpy.uint64], numpy.typing.NDArray[numpy.uint32], dict[str, int | str | dict[str, int] | list[dict[str, int | str]]], str | None]:
    """
    CSV files read as _from_csv reads them, as one record per number: (keys, records, ingest stats, the region national forms were read in).
    """
def _escaped(text: str) -> str:
    """
    Text as numrep's messages show it: control and invisible characters, bytes that were no UTF-8 (lone surrogates) and backslashes escaped (the CLI's tables).
    """
def _loose_column_name(name: str) -> str:
    """
    A header name as the CSV reader compares it with a field's (ASCII lower case, without ' ', '-', '_').
    """
def _merge_records(pieces: collections.abc.Sequence[tuple[numpy.typing.NDArray[numpy.uint64], numpy.typing.NDArray[numpy.uint32]]], half_life_days: typing.SupportsFloat | typing.SupportsIndex) -> tuple[numpy.typing.NDArray[numpy.uint64], numpy.typing.NDArray[numpy.uint32]]:
    """
    Pieces of (keys, records), each sorted, merged into one record per key (in piece order).
    """
def _number_info_from_state(number: PhoneNumber, carrier: str, type: str, region: str, region_code: str, valid: bool) -> NumberInfo:
    """
    Unpickles a NumberInfo (its fields as NumberInfo.__reduce__ gives them).
    """
def _output_pool_buffers() -> int:
    """
    Idle buffers in the pool of result columns.
    """
def _output_pool_bytes() -> int:
    """
    Bytes of the idle buffers in the pool of result columns.
    """
def _output_pool_clear() -> None:
    """
    Free the idle buffers of the pool of result columns (arrays in use keep theirs).
    """
def _parse_error_reasons(values: collections.abc.Sequence[str | bytes | int | None], region: str | None) -> list[str]:
    """
    ParseError.reason of each value as parse_many(values, region) reads it, "" where it parses.
    """
def _parse_flags(values: collections.abc.Sequence[str | None]) -> tuple[numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.bool]]:
    """
    not_spam flags of texts as from_csv reads them (0/1), and which are not flags.
    """
def _parse_times(values: collections.abc.Sequence[str | None]) -> tuple[numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.bool]]:
    """
    Unix seconds of time texts as from_csv reads them, and which are not times.
    """
def _partial_records(keys: typing.Annotated[numpy.typing.ArrayLike, numpy.uint64], times: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], category_codes: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], category_names: collections.abc.Sequence[str], sources: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], not_spam: typing.Annotated[numpy.typing.ArrayLike, numpy.bool], half_life_days: typing.SupportsFloat | typing.SupportsIndex) -> tuple[numpy.typing.NDArray[numpy.uint64], numpy.typing.NDArray[numpy.uint32]]:
    """
    One record per number of a batch of reports: (keys sorted (n,) uint64, records (n, 13) uint32).
    """
def _phone_number_from_state(key: typing.SupportsInt | typing.SupportsIndex, is_legacy: bool, extension: str = '') -> PhoneNumber:
    ...
def _quote(text: str) -> str:
    """
    Text quoted as the C++ messages quote a value: escaped, and cut after 64 bytes with its size.
    """
def _set_lock_busy_callback(callback: collections.abc.Callable[[str], None] | None) -> None:
    """
    Private: callback(lock_path) runs once before a save or build waits for another writer's lock (None: nothing runs). The command line prints that it waits.
    """
def _source_ids(values: collections.abc.Sequence[str | None]) -> numpy.typing.NDArray[numpy.uint32]:
    """
    Source ids of names as every reader computes them (numrep::source_id: a 32-bit hash of the trimmed UTF-8 name; 0 for None or a blank name).
    """
def _store_files(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> list[tuple[str, int, int | None]]:
    """
    The store files of a saved database's published state: (name, bytes, numbers of its shard) triples, records then Bloom filter per shard; numbers is None for format 1, whose files do not record it.
    """
def _trie_store_from_state(data: typing_extensions.Buffer) -> TrieStore:
    """
    Unpickles a TrieStore.
    """
def _unix_time(value: datetime.datetime | datetime.date | numpy.datetime64 | int | float | str, what: str = 'time') -> int:
    """
    Unix seconds of a time as every call taking one reads it (datetime, datetime64, Timestamp, seconds, ISO str).
    """
def _valid_keys(keys: typing.Annotated[numpy.typing.ArrayLike, numpy.uint64]) -> numpy.typing.NDArray[numpy.uint64]:
    """
    The keys with 0 for each that is_valid_key refuses (no E.164 number), in one pass.
    """
def _verdict_from_state(key: typing.SupportsInt | typing.SupportsIndex, reported: bool, score: typing.SupportsFloat | typing.SupportsIndex, level: typing.SupportsInt | typing.SupportsIndex, delisted: bool, recent_reports: typing.SupportsFloat | typing.SupportsIndex, distinct_sources: typing.SupportsInt | typing.SupportsIndex, record: bytes, carrier: str, type: typing.SupportsInt | typing.SupportsIndex, region: str, region_code: str, valid: bool, carrier_id: typing.SupportsInt | typing.SupportsIndex, region_id: typing.SupportsInt | typing.SupportsIndex, as_of: typing.SupportsInt | typing.SupportsIndex) -> Verdict:
    """
    Unpickles a Verdict (its fields as Verdict.__reduce__ gives them).
    """
def _write_shard(path: str | bytes | os.PathLike[str] | os.PathLike[bytes], generation: typing.SupportsInt | typing.SupportsIndex, index: typing.SupportsInt | typing.SupportsIndex, first_key: typing.SupportsInt | typing.SupportsIndex, last_key: typing.SupportsInt | typing.SupportsIndex, pieces: collections.abc.Sequence[tuple[numpy.typing.NDArray[numpy.uint64], numpy.typing.NDArray[numpy.uint32]]], half_life_days: typing.SupportsFloat | typing.SupportsIndex, bloom_fpr: typing.SupportsFloat | typing.SupportsIndex) -> tuple[int, int, int, tuple[str, int, int], tuple[str, int, int]]:
    """
    Merges pieces of records and writes them as shard `index` of a publication's generation (any process); returns the shard's entry for _Publication.commit.
    """
def carrier_names() -> numpy.typing.NDArray[numpy.object_]:
    """
    Names of the built-in plan's carrier codes (a NumPy object array: names[codes] decodes a column); index 0 is '' (none).
    """
def classify_category(name: str) -> str:
    """
    The report category numrep files a free-form category name under.
    """
def get_threads() -> int:
    """
    Threads batch calls may use now (set_threads, or the default it describes).
    """
def is_valid_key(key: typing.SupportsIndex) -> bool:
    """
    True if `key` is the E.164 digits of a number with an assigned country code.
    """
def lookup(number: str | int | PhoneNumber, region: str | None = 'VN') -> NumberInfo:
    """
    Carrier, type, region, region code and validity of one number (str, int key or PhoneNumber) by the
    built-in world plan (every region libphonenumber knows; Vietnam's allocation notices for +84).
    """
def lookup_many(keys: numpy.typing.ArrayLike | collections.abc.Iterable[str | bytes | int | PhoneNumber | None], *, region: str | None | collections.abc.Sequence[str | None] | numpy.typing.NDArray[numpy.str_ | numpy.object_] = 'VN') -> dict[str, numpy.typing.NDArray[numpy.uint8 | numpy.uint16 | numpy.bool]]:
    """
    lookup for an array of keys by the built-in plan; see NumberingPlan.lookup_many.
    """
def parse(value: str | int | PhoneNumber, region: str | None = 'VN') -> PhoneNumber:
    """
    Parse a phone number in any written form. National forms use `region` (None: international only).
    Raises ParseError (a ValueError) naming the input and the reason.
    """
@typing.overload
def parse_many(values: collections.abc.Sequence[str | bytes | int | PhoneNumber | None] | numpy.typing.NDArray[numpy.generic], region: str | None | collections.abc.Sequence[str | None] | numpy.typing.NDArray[numpy.str_ | numpy.object_] = 'VN', errors: str = 'coerce') -> numpy.typing.NDArray[numpy.uint64]: ...
@typing.overload
def parse_many(values: numpy.typing.ArrayLike | collections.abc.Iterable[str | bytes | int | PhoneNumber | None], region: str | None | collections.abc.Sequence[str | None] | numpy.typing.NDArray[numpy.str_ | numpy.object_] = 'VN', errors: str = 'coerce') -> numpy.typing.NDArray[numpy.uint64] | pyarrow.UInt64Array | polars.Series:
    """
    Parse a list, NumPy array or Series of strings to a uint64 array of keys. A pyarrow array or chunked
    array, a polars Series or an Arrow-backed pandas Series is read in place (no Python str per value);
    pyarrow and polars columns give keys of the same kind, with nulls where the value was missing or did
    not parse. `region`: one default
    region for all, or a sequence/array/Series with one per value (e.g. each caller's country).
    errors='coerce' gives 0 for a value that does not parse; errors='raise' raises ParseError for the first.
    """
def region_codes() -> numpy.typing.NDArray[numpy.object_]:
    """
    ISO region codes by the codes of lookup_many's 'region_code' column: '' (none), '001', then 'AC'...'ZW'.
    """
def region_names() -> numpy.typing.NDArray[numpy.object_]:
    """
    Names of the built-in plan's region (area) codes (a NumPy object array); index 0 is '' (none).
    """
def set_threads(threads: int | None) -> None:
    """
    Threads that batch calls (parse_many, lookup_many, check_many, contains_many, get_many) may split a large column across; None goes back to the default: the NUMREP_THREADS environment variable, else OMP_NUM_THREADS (Dask's worker processes set it to 1), else the CPUs this process may use (the environment is read at import and by set_threads(None)). Results do not depend on it.
    """
CATEGORY_NAMES: tuple[str, ...] = ('scam', 'spam', 'telemarketing', 'robocall', 'harassment', 'debt_collection', 'silent', 'other')
DEFAULT_REGION: str = 'VN'
LEGACY_MOBILE_PREFIXES: dict[str, str] = {'120': '70', '121': '79', '122': '77', '126': '76', '128': '78', '123': '83', '124': '84', '125': '85', '127': '81', '129': '82', '162': '32', '163': '33', '164': '34', '165': '35', '166': '36', '167': '37', '168': '38', '169': '39', '186': '56', '188': '58', '199': '59'}
LEVEL_NAMES: tuple[str, ...] = ('clean', 'suspicious', 'likely_scam')
TYPE_NAMES: tuple[str, ...] = ('unknown', 'mobile', 'fixed_line', 'toll_free', 'premium_rate', 'voip', 'uan', 'short_code', 'shared_cost', 'personal_number', 'pager', 'voicemail', 'fixed_line_or_mobile')
_HALF_LIFE_DAYS_RANGE: tuple[float, float] = (0.041666666666666664, 36500.0)
_OUTPUT_POOL_LIMIT: int = 268435456
_OUTPUT_POOL_MINIMUM: int = 65536
_PARSE_ERROR_WORDS: dict[str, str] = {'empty': 'empty input', 'bad_character': 'bad character', 'too_short': 'too short', 'too_long': 'too long', 'unknown_country_code': 'unknown country code', 'missing_country_code': 'national number without a default region', 'unknown_region': 'unknown region'}
__version__: str = '0.1.0'
