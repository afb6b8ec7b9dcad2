"""
numrep's compiled core; import numrep instead.
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['FormatError', 'NumberInfo', 'NumberingPlan', 'ParseError', 'PhoneNumber', 'TYPE_NAMES', 'carrier_names', 'is_valid_key', 'lookup', 'lookup_many', 'parse', 'parse_many', 'region_names']
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
