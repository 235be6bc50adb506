#!/usr/bin/env python3
"""Sums a callgrind profile by where the instructions ran, for Scripts/bench.sh's `profile` benchmark.

    callgrind_summary.py CALLGRIND.OUT [CALLGRIND.OUT ...] [--top N]
    callgrind_summary.py CALLGRIND.OUT [...] --row UNITS

The first form prints one JSON object: the total instructions (Ir), the self instructions of every group (a Swift
module, read from the mangled symbol's module name; the Swift runtime; libc's copying, zeroing and allocating;
libcrypto; ...), the instructions spent inside each libcrypto entry point called from outside it (EVP_DigestUpdate
is SHA-256 and so on: libcrypto carries no symbols for its internal functions), and the top functions by self
instructions. With --row it prints one tab-separated line for Scripts/bench.sh's table: the total, the total over
UNITS (bytes, files or uploads), the same for the instructions outside libcrypto, and where the instructions
went, largest first.

Only user space is counted: what the kernel does for read, write and fsync is not in a callgrind profile.
"""

import json
import re
import sys
from collections import defaultdict

LIBCRYPTO = "libcrypto"
# $s<length><module>...: the module a Swift symbol belongs to. `$ss` is the standard library, specialised into
# the binary; `$sSo` and friends are imported C types.
SWIFT_MODULE = re.compile(r"^\$s(\d+)([A-Za-z_][A-Za-z0-9_]*)")


def object_group(obj: str) -> str:
    name = obj.rsplit("/", 1)[-1]
    for prefix, group in (
        ("libcrypto", LIBCRYPTO),
        ("libswiftCore", "Swift runtime (libswiftCore)"),
        ("libswift_Concurrency", "Swift concurrency runtime"),
        ("libdispatch", "libdispatch"),
        ("libFoundation", "Foundation"),
        ("libsqlite3", "SQLite"),
        ("ld-linux", "dynamic loader (start-up)"),
    ):
        if name.startswith(prefix):
            return group
    return name


def libc_group(function: str) -> str:
    if "memcpy" in function or "memmove" in function:
        return "libc: memcpy/memmove"
    if "memset" in function:
        return "libc: memset"
    if any(word in function for word in ("malloc", "free", "realloc", "calloc", "tcache")):
        return "libc: malloc/free"
    return "libc: other"


def group_of(obj: str, function: str) -> str:
    group = object_group(obj)
    if group.startswith("libc.so"):
        return libc_group(function)
    if group.startswith(("lib", "Swift", "Foundation", "SQLite", "dynamic")):
        return group
    # The executable (or another Swift library): by the Swift module the symbol names.
    match = SWIFT_MODULE.match(function)
    if match:
        length, rest = int(match.group(1)), match.group(2)
        if match.group(0) == "$ss" or function.startswith("$ss"):
            return "Swift stdlib (specialised in the binary)"
        return rest[:length]
    if function.startswith(("$ss", "$sS")):
        return "Swift stdlib (specialised in the binary)"
    return f"{group}: C and other"


class Profile:
    def __init__(self) -> None:
        self.self_cost: dict[tuple[str, str], int] = defaultdict(int)
        self.crypto_entry: dict[str, int] = defaultdict(int)
        self.total = 0

    def read(self, path: str) -> None:
        names: dict[str, dict[str, str]] = {"ob": {}, "fn": {}, "cob": {}, "cfn": {}}

        def name(kind: str, value: str) -> str:
            # Compressed names: "(id) name" the first time, "(id)" after; ob/cob and fn/cfn share their tables.
            table = names["ob" if kind in ("ob", "cob") else "fn"]
            match = re.match(r"^\((\d+)\)(?: (.*))?$", value)
            if not match:
                return value
            if match.group(2) is not None:
                table[match.group(1)] = match.group(2)
            return table.get(match.group(1), value)

        obj = function = callee_obj = callee = ""
        after_calls = False
        with open(path, encoding="utf-8", errors="replace") as profile:
            for line in profile:
                line = line.rstrip("\n")
                if not line:
                    continue
                first = line[0]
                if first.isdigit() or first in "+-*":
                    fields = line.split()
                    cost = int(fields[1]) if len(fields) > 1 else 0
                    if after_calls:
                        # The cost of a call: the callee's inclusive instructions, counted in its own self cost.
                        if object_group(callee_obj or obj) == LIBCRYPTO and object_group(obj) != LIBCRYPTO:
                            self.crypto_entry[callee] += cost
                        after_calls = False
                        # cob= names the callee's object for this call only; without one it is the caller's.
                        callee_obj = ""
                    else:
                        self.self_cost[(obj, function)] += cost
                    continue
                key, _, value = line.partition("=")
                if key == "ob":
                    obj = name("ob", value)
                elif key == "fn":
                    function = name("fn", value)
                    callee_obj = ""
                elif key == "cob":
                    callee_obj = name("cob", value)
                elif key == "cfn":
                    callee = name("cfn", value)
                elif key == "calls":
                    after_calls = True
                elif line.startswith("summary:") or line.startswith("totals:"):
                    pass
            # A file holds one part; several files (callgrind_control dumps) add up.
        self.total = sum(self.self_cost.values())

    def summary(self, top: int) -> dict:
        groups: dict[str, int] = defaultdict(int)
        for (obj, function), cost in self.self_cost.items():
            groups[group_of(obj, function)] += cost
        functions = sorted(self.self_cost.items(), key=lambda item: -item[1])[:top]
        return {
            "total": self.total,
            "groups": dict(sorted(groups.items(), key=lambda item: -item[1])),
            "libcrypto_entries": dict(sorted(self.crypto_entry.items(), key=lambda item: -item[1])),
            "top_functions": [
                {"object": obj.rsplit("/", 1)[-1], "function": function, "instructions": cost}
                for (obj, function), cost in functions
            ],
        }


# What each libcrypto entry point called from outside does, for the row's libcrypto breakdown.
CRYPTO_WORK = (
    (("EVP_DigestSign", "EVP_DigestVerify"), "Ed25519 signatures"),
    (("EVP_DigestUpdate", "EVP_DigestFinal", "EVP_DigestInit", "EVP_Digest", "SHA256"), "SHA-256"),
    (("EVP_EncryptUpdate", "EVP_DecryptUpdate", "EVP_EncryptFinal", "EVP_DecryptFinal", "EVP_CipherInit",
      "EVP_EncryptInit", "EVP_DecryptInit", "EVP_CIPHER_CTX"), "AES-256-GCM"),
    (("EVP_PKEY_derive", "EVP_PKEY_new_raw", "EVP_PKEY_get_raw", "EVP_PKEY_keygen", "EVP_PKEY_CTX"),
     "X25519 and Ed25519 keys"),
    (("PEM_", "OSSL_DECODER", "d2i_", "EVP_PKCS82PKEY", "PKCS5", "EVP_PBE", "EVP_PKEY2PKCS8", "i2d_"),
     "key files (PEM, PKCS#8)"),
    (("EVP_MAC", "HMAC", "EVP_KDF", "EVP_PKEY_CTX_set_hkdf"), "HMAC and HKDF"),
    (("RAND_",), "random bytes"),
)
OUR_MODULES = {"MediaScrub", "EvidenceCore", "EvidenceCrypto", "EvidenceServer", "ObjectBlobStore", "ObjectStorage",
               "PostgresStore", "evidence_drop", "evidence_review"}


def crypto_work(entry: str) -> str:
    for prefixes, work in CRYPTO_WORK:
        if entry.startswith(prefixes):
            return work
    return "other"


def percent(part: int, whole: int) -> str:
    share = 100 * part / whole if whole else 0
    return f"{share:.1f}%" if share >= 0.1 else "<0.1%"


def row(summary: dict, units: float) -> str:
    """total<TAB>per unit<TAB>per unit outside libcrypto<TAB>where the instructions went."""
    total = summary["total"]
    classes: dict[str, int] = defaultdict(int)
    ours: dict[str, int] = defaultdict(int)
    libraries: dict[str, int] = defaultdict(int)
    for group, cost in summary["groups"].items():
        if group == LIBCRYPTO:
            classes["libcrypto"] += cost
        elif group == "libc: memcpy/memmove":
            classes["copying (memcpy)"] += cost
        elif group == "libc: memset":
            classes["zeroing (memset)"] += cost
        elif group == "libc: malloc/free":
            classes["malloc/free"] += cost
        elif group in ("Swift runtime (libswiftCore)", "Swift concurrency runtime", "libdispatch", "Foundation",
                       "Swift stdlib (specialised in the binary)"):
            classes["Swift runtime, stdlib, Foundation"] += cost
        elif group == "SQLite":
            classes["SQLite"] += cost
        elif group == "dynamic loader (start-up)":
            classes["start-up (dynamic loader)"] += cost
        elif group in OUR_MODULES:
            ours[group] += cost
        elif ":" not in group and not group.startswith("lib"):
            libraries[group] += cost
        else:
            classes["other"] += cost
    classes["ours"] = sum(ours.values())
    classes["Swift packages"] = sum(libraries.values())
    # Entry points' costs are inclusive (with the libc calls libcrypto makes): shared out in proportion, so the
    # parts add up to libcrypto's own total.
    entries: dict[str, int] = defaultdict(int)
    for entry, cost in summary["libcrypto_entries"].items():
        entries[crypto_work(entry)] += cost
    called = sum(entries.values())
    crypto = {work: round(cost * classes["libcrypto"] / called) for work, cost in entries.items()} if called else {}

    def detail(parts: dict[str, int]) -> str:
        shown = [f"{name} {percent(cost, total)}" for name, cost in sorted(parts.items(), key=lambda p: -p[1])
                 if cost >= total / 1000][:4]
        return f" ({', '.join(shown)})" if shown else ""

    pieces = []
    for name, cost in sorted(classes.items(), key=lambda item: -item[1]):
        if cost < total / 1000:
            continue
        extra = {"libcrypto": detail(crypto), "ours": detail(ours), "Swift packages": detail(libraries)}.get(name, "")
        pieces.append(f"{name} {percent(cost, total)}{extra}")
    per_unit = total / units if units else 0
    outside = (total - classes["libcrypto"]) / units if units else 0
    return f"{total}\t{per_unit:.6g}\t{outside:.6g}\t{'; '.join(pieces)}"


def main() -> None:
    arguments = sys.argv[1:]
    top = 15
    units = None
    if "--top" in arguments:
        index = arguments.index("--top")
        top = int(arguments[index + 1])
        del arguments[index:index + 2]
    if "--row" in arguments:
        index = arguments.index("--row")
        units = float(arguments[index + 1])
        del arguments[index:index + 2]
    if not arguments:
        sys.exit("usage: callgrind_summary.py CALLGRIND.OUT [...] [--top N | --row UNITS]")
    profile = Profile()
    for path in arguments:
        profile.read(path)
    if units is not None:
        print(row(profile.summary(top), units))
        return
    json.dump(profile.summary(top), sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
