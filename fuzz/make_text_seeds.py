#!/usr/bin/env python3
"""Writes the seeds of the fuzz harnesses that need no numrep build: fuzz/corpus/{parse,plan,csv,db}
and the Bloom and trie build-mode seeds (the store files among the seeds come from make_seeds.cpp). Each
seed starts with the harness's option byte(s): see the comment at the top of each fuzz_*.cpp.
Run from anywhere: python3 fuzz/make_text_seeds.py"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data"
CORPUS = HERE / "corpus"

# fuzz_parse: region byte (index into its region list; 15 = no default region), then the text.
VN, US, GB, DE, IT, FR, JP, AU, BR, IN, CN, RU, AR, MX, NZ, NONE = range(16)
PARSE = {
    "vn_international": (VN, "+84 912 345 678"),
    "vn_national": (VN, "0912 345 678"),
    "vn_legacy_11_digits": (VN, "01662 345 678"),
    "vn_dots": (VN, "(024) 3.825.1234"),
    "vn_fullwidth": (VN, "\uff10\uff19\uff11\uff12\u3000\uff13\uff14\uff15\u3000\uff16\uff17\uff18"),
    "vn_trailing_punctuation": (VN, "0912-345-678?"),
    "vn_idd": (VN, "00 1 202 555 0123"),
    "us_national": (US, "(202) 555-0123"),
    "us_extension": (US, "202.555.0123 ext. 45"),
    "us_vanity": (US, "1-800-FLOWERS"),
    "us_idd": (US, "011 44 20 7946 0000"),
    "us_hash_extension": (US, "555-1234 - 503#"),
    "gb_national": (GB, "020 7946 0000"),
    "de_extension": (DE, "+49 (0)30 123456-78"),
    "it_leading_zero": (IT, "+39 06 1234 5678"),
    "jp_national": (JP, "03-1234-5678"),
    "au_mobile": (AU, "0412 345 678"),
    "br_carrier_code": (BR, "0 21 (11) 98765-4321"),
    "in_mobile": (IN, "+91-98765 43210"),
    "ar_mobile": (AR, "011 15 2345-6789"),
    "mx_mobile": (MX, "+52 1 55 1234 5678"),
    "ru_trunk": (RU, "8 (495) 123-45-67"),
    "tel_uri_context": (NONE, "tel:331-6005;phone-context=+64-3"),
    "tel_uri_ext": (NONE, "tel:+1-650-253-0000;ext=123;isub=12345"),
    "tel_uri_domain": (NZ, "tel:03-331-6005;phone-context=example.com"),
    "no_region": (NONE, "+44 20 7946 0000"),
    "plus_idd": (US, "+011 84 912 345 678"),
    "second_number": (US, "(202) 555-0123 / x 202 555 0199"),
    "arabic_digits": (NONE, "+\u0668\u0664\u0669\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668"),
    "bare_pair": (VN, "12"),
    "rfc_comma_extension": (US, "2025550123,,456"),
    "too_long": (VN, "0912345678901234567890"),
}


def plan_seeds():
    carrier = (DATA / "libphonenumber_carrier_en_84.txt").read_bytes()
    geo = (DATA / "libphonenumber_geocoding_en_84.txt").read_bytes()
    # Option byte: bit 0 carrier data, bits 3+4 on the world plan, bit 2 national lengths 9-10.
    return {
        "carrier_vn": bytes([1]) + carrier,
        "geocoding_vn": bytes([0]) + geo[:1200],
        "carrier_on_world": bytes([1 | 0x18]) + b"# over the world plan\n84912|Test Carrier\n1202555|Other\n",
        "with_lengths": bytes([1 | 4]) + b"  8491 | A \r\n8491|B\n\n# comment\n849|C\t\n",
        "geocoding_us": bytes([0]) + b"1202|Washington D.C.\n1415|California\n44207|London\n",
        "bad_prefix": bytes([1]) + b"84912|ok\n0849|bad\n",
    }


def csv_seeds():
    ftc = (DATA / "ftc_sample.csv").read_bytes().splitlines(keepends=True)
    # Option bytes: a (bits 0-2 delimiter, 3 FTC preset, 4 strict, 5 default time, 6 no plan,
    # 7 no latest time), b (bits 0-1 bad rows kept, the rest progress interval).
    plain = (b"number,time,category,source\n"
             b"0912 345 678,2021-07-07,scam,a\n"
             b"+84 24 3825 1234,2021-07-07 00:01:15,spam,b\n"
             b"\"0988,123,456\",1625616075,Robocall,a\n"
             b",2021-07-07,scam,a\n"
             b"0912x45678,2021-07-07,scam,a\n"
             b"0912345678,not a time,scam,a\n"
             b"0912345678,2099-01-01,scam,a\n"
             b"0912345678,2021-07-07,scam\n"
             b"\n"
             b"0912345678,2021-07-07T00:01:15Z,\"say \"\"hi\"\"\",c\r\n")
    return {
        "ftc_sample": bytes([8, 2]) + b"".join(ftc[:14]),
        "ftc_strict": bytes([8 | 16, 1]) + b"".join(ftc[:4]),
        "default_columns": bytes([0x80, 3]) + plain,
        "semicolons_auto": bytes([4, 0]) + plain.replace(b",", b";"),
        "tabs_no_plan_default_time": bytes([2 | 32 | 64, 7]) + b"number\ttime\tcategory\n0912345678\t\tscam\n",
        "bom_unterminated": bytes([0, 3]) + b"\xef\xbb\xbfnumber,time,category\n0912345678,2021-07-07,\"open\n",
        "no_such_column": bytes([0, 0]) + b"phone,when\n0912345678,2021-07-07\n",
    }


def db_seeds():
    # Option bytes: which file (by sorted name), which change, an offset (2 bytes), then the data.
    # Changes: 0 replace, 1 overwrite at the offset, 2 truncate at the offset, 3 flip bits,
    # 4 insert at the offset, 5 append, 6 delete the file, 7 swap two bytes.
    return {
        "replace_first": bytes([0, 0, 0, 0]) + b"numrep-reputation 1\n",
        "overwrite_second": bytes([1, 1, 0, 40]) + b"\x00\x01\x02\x03",
        "truncate_third": bytes([2, 2, 0, 100]),
        "flip_bits": bytes([0, 3, 0, 0]) + bytes([3, 7, 30, 1, 200, 5]),
        "insert": bytes([1, 4, 0, 20]) + b"x",
        "append": bytes([2, 5, 0, 0]) + b"\n",
        "delete": bytes([0, 6, 0, 0]),
        "swap": bytes([1, 7, 0, 30]) + b"\x05",
    }


def trie_build_seeds():
    # Flag byte 16: build mode; records of a 56-bit number, a digit count (1 + byte % 15), a value.
    def record(number, digits, value):
        return number.to_bytes(7, "big") + bytes([digits - 1, value])

    keys = [(84912345678, 11, 1), (84912345679, 11, 2), (84912345678, 11, 3), (12025550123, 11, 4),
            (8491234, 7, 5), (849, 3, 6), (999999999999999, 15, 7), (1, 1, 8)]
    return {
        "build_mixed_lengths": bytes([16]) + b"".join(record(*k) for k in keys),
        "build_raw_keys": bytes([16 | 32]) + b"".join(record(*k) for k in keys[:3]),
    }


def bloom_build_seeds():
    # Flag byte 8 (+4: classic filter): build mode; capacity, FPR and mode bytes, then 8-byte keys.
    keys = [84912345678, 84912345679, 12025550123, 442079460000, 1, 999999999999999, 0, 2**64 - 1]
    body = b"".join(k.to_bytes(8, "big") for k in keys)
    return {
        "build_blocked": bytes([8, 4, 10, 0]) + body,
        "build_classic_concurrent": bytes([8 | 4, 1, 3, 1]) + body,
    }


def write(harness, seeds):
    folder = CORPUS / harness
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in seeds.items():
        (folder / name).write_bytes(data)


def main():
    write("parse", {name: bytes([region]) + text.encode() for name, (region, text) in PARSE.items()})
    write("plan", plan_seeds())
    write("csv", csv_seeds())
    write("db", db_seeds())
    write("trie", trie_build_seeds())
    write("bloom", bloom_build_seeds())


if __name__ == "__main__":
    main()
