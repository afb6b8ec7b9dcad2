"""
numrep's compiled core; import numrep instead.
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import os
import typing
import typing_extensions
__all__: list[str] = ['BloomFilter', 'FormatError', 'NumberInfo', 'NumberingPlan', 'ParseError', 'PhoneNumber', 'TYPE_NAMES', 'carrier_names', 'is_valid_key', 'lookup', 'lookup_many', 'parse', 'parse_many', 'region_names']
class ParseError(ValueError):
    pass
class FormatError(ValueError):
    pass
class PhoneNumber:
    """
    A telephone number as its E.164 integer key.
    """
    def __eq__(self, arg0: typing.Any) -> typing.Any:
        ...
    def __ge__(self, arg0: PhoneNumber) -> bool:
        ...
    def __gt__(self, arg0: PhoneNumber) -> bool:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: typing.Any, region: typing.Any = 'VN') -> None:
        """
        Parse text, or take an int key, like numrep.parse.
        """
    def __int__(self) -> int:
        ...
    def __le__(self, arg0: PhoneNumber) -> bool:
        ...
    def __lt__(self, arg0: PhoneNumber) -> bool:
        ...
    def __reduce__(self) -> tuple:
        ...
    def __repr__(self) -> str:
        ...
    def __str__(self) -> str:
        ...
    @property
    def country_code(self) -> int:
        ...
    @property
    def e164(self) -> str:
        """
        E.164 text, e.g. '+84912345678'.
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
        ...
    @property
    def national_number(self) -> int:
        """
        National significant number as an int (see national_digits for leading zeros).
        """
class NumberInfo:
    """
    What a numbering plan says about one number.
    """
    def __repr__(self) -> str:
        ...
    def _asdict(self) -> dict:
        """
        The fields as a dict (number as E.164 text).
        """
    @property
    def carrier(self) -> str:
        """
        Carrier the prefix was allocated to ('' if unknown); numbers may be ported.
        """
    @property
    def number(self) -> PhoneNumber:
        ...
    @property
    def region(self) -> str:
        """
        Province or area for geographic numbers, else ''.
        """
    @property
    def type(self) -> str:
        """
        mobile, fixed_line, toll_free, premium_rate, voip, uan, short_code or unknown.
        """
    @property
    def valid(self) -> bool:
        """
        True if the plan has a rule for this prefix and length.
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
    def __init__(self) -> None:
        """
        An empty plan.
        """
    def __repr__(self) -> str:
        ...
    def load_carrier_text(self, text: str, source: str = 'carrier data', national_lengths: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] = []) -> int:
        ...
    def load_geocoding_text(self, text: str, source: str = 'geocoding data', national_lengths: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] = []) -> int:
        ...
    def lookup(self, number: typing.Any, region: typing.Any = 'VN') -> NumberInfo:
        ...
    def lookup_many(self, keys: typing.Any) -> dict:
        """
        Columns for an array of keys: carrier and region codes (index carrier_names / region_names), type codes
        (index TYPE_NAMES) and valid flags. Releases the GIL.
        """
    @property
    def carrier_names(self) -> list:
        ...
    @property
    def region_names(self) -> list:
        ...
    @property
    def rule_count(self) -> int:
        ...
class BloomFilter:
    """
    A cache-line-blocked Bloom filter of phone numbers: `number in bf` is never False for a number added,
    and True for a number never added with probability about `fpr`. Numbers are str (parsed with region VN),
    int keys or PhoneNumber; batches are NumPy uint64 key arrays (e.g. from parse_many) or lists of those.
    Filters with the same size, probe count and seed combine with |, &, |= and &=.
    
    Thread safety: every method may be called from any number of threads at once. add_many, update,
    contains_many, save, to_bytes and the estimates release the GIL, and each filter has a reader-writer
    lock: queries, save, to_bytes, copies and == share it; add, add_many and update take it exclusively
    (one writer at a time, no readers meanwhile), as do clear, |= and &=. With concurrent=True inserts are
    atomic and share the lock instead, so adds from several threads and queries run in parallel; without
    it, adds from several threads are correct but take turns.
    """
    __hash__: typing.ClassVar[None] = None
    @staticmethod
    def from_bytes(data: typing_extensions.Buffer, *, concurrent: bool = False) -> BloomFilter:
        """
        A writable filter from to_bytes() output (bytes, bytearray, memoryview or any contiguous buffer).
        Raises FormatError for damaged bytes.
        """
    @staticmethod
    def load(path: os.PathLike | str | bytes, *, concurrent: bool = False) -> BloomFilter:
        """
        Read a saved filter into a new writable one. Raises FormatError for a damaged or foreign file.
        """
    @staticmethod
    def open(path: os.PathLike | str | bytes, *, verify: typing.Literal['full', 'header'] = 'full') -> BloomFilter:
        """
        Map a saved filter read-only (zero copy, pages read on first use); add and other updates raise TypeError.
        verify="full" (default) checks every byte against its checksum, reading the whole file once;
        verify="header" checks only the header, so that opening a huge filter reads one page (a corrupted bit
        array then gives wrong answers, never a crash). Raises FormatError for a damaged or foreign file.
        """
    def __and__(self, arg0: BloomFilter) -> BloomFilter:
        """
        Intersection of the bit arrays: True for numbers of both, with a higher FPR than a filter of the intersection.
        """
    def __bool__(self) -> bool:
        """
        Always True: a filter is never an empty container.
        """
    def __contains__(self, number: typing.Any) -> bool:
        ...
    def __copy__(self) -> BloomFilter:
        """
        A writable copy.
        """
    def __deepcopy__(self, memo: typing.Any) -> BloomFilter:
        ...
    def __eq__(self, arg0: BloomFilter) -> bool:
        """
        Same size, probe count, seed and bits (capacity is not compared).
        """
    def __iand__(self, arg0: BloomFilter) -> BloomFilter:
        ...
    def __init__(self, capacity: int, fpr: typing.SupportsFloat | typing.SupportsIndex = 0.01, *, seed: typing.SupportsInt | typing.SupportsIndex | None = None, concurrent: bool = False) -> None:
        """
        A filter for `capacity` numbers (0 or more) at false-positive rate `fpr` (in (0, 1)) once full.
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
        Union: a filter answering True for numbers of either (same size, probe count and seed, else ValueError).
        """
    def __reduce__(self) -> tuple:
        ...
    def __repr__(self) -> str:
        ...
    def add(self, number: typing.Any) -> None:
        """
        Add one number (str, int key or PhoneNumber).
        """
    def add_many(self, keys: typing.Any) -> None:
        """
        Add a NumPy array of integer keys, or a list / array of str, int or PhoneNumber (an invalid string
        raises ParseError naming the item). Releases the GIL.
        """
    def approx_len(self) -> float:
        """
        An ESTIMATE of the number of distinct numbers added, from the bits set (within a few percent up to
        capacity; repeated adds of one number count once). A pass over the bits; releases the GIL.
        """
    def clear(self) -> None:
        """
        Remove every number (set all bits to 0).
        """
    def contains_many(self, keys: typing.Any) -> numpy.typing.NDArray[numpy.bool]:
        """
        Membership of each key as a NumPy bool array; inputs as add_many. Releases the GIL.
        """
    def save(self, path: os.PathLike | str | bytes) -> None:
        """
        Write the filter to `path` atomically (numrep store format, readable from C++).
        """
    def to_bytes(self) -> bytes:
        """
        The filter in the file format, as bytes.
        """
    def update(self, numbers: typing.Any) -> None:
        """
        Add every number of an iterable (as add_many).
        """
    @property
    def bits_per_key(self) -> float:
        """
        Bits per number at capacity (inf for capacity 0).
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
def _bloom_filter_from_state(data: typing_extensions.Buffer, concurrent: bool) -> BloomFilter:
    """
    Unpickles a BloomFilter (a writable copy, even of a mapped one).
    """
def _phone_number_from_state(key: typing.SupportsInt | typing.SupportsIndex, is_legacy: bool) -> PhoneNumber:
    ...
def carrier_names() -> list:
    """
    Names of the built-in plan's carrier codes; index 0 is '' (none).
    """
def is_valid_key(key: typing.SupportsInt | typing.SupportsIndex) -> bool:
    """
    True if `key` is the E.164 digits of a number with an assigned country code.
    """
def lookup(number: typing.Any, region: typing.Any = 'VN') -> NumberInfo:
    """
    Carrier, type, region and validity of one number (str, int key or PhoneNumber) by the built-in plan.
    """
def lookup_many(keys: typing.Any) -> dict:
    """
    lookup for an array of keys by the built-in plan; see NumberingPlan.lookup_many.
    """
def parse(value: typing.Any, region: typing.Any = 'VN') -> PhoneNumber:
    """
    Parse a phone number in any written form. National forms use `region` (None: international only).
    Raises ParseError (a ValueError) naming the input and the reason.
    """
def parse_many(values: typing.Any, region: typing.Any = 'VN', errors: str = 'coerce') -> numpy.typing.NDArray[numpy.uint64]:
    """
    Parse a list, NumPy array or Series of strings to a uint64 array of keys.
    errors='coerce' gives 0 for a value that does not parse; errors='raise' raises ParseError for the first.
    """
def region_names() -> list:
    """
    Names of the built-in plan's region codes; index 0 is '' (none).
    """
TYPE_NAMES: tuple = ('unknown', 'mobile', 'fixed_line', 'toll_free', 'premium_rate', 'voip', 'uan', 'short_code')
__version__: str = '0.1.0'
