"""The firmware's error reasons and shared layouts are numbers copied into
each module that uses them (`_R_X = const(n)`: inlined, no RAM), so nothing
but this test keeps the copies true: every copy in firmware/mikey,
tests/firmware and tools/bench must equal firmware/mikey/errors.py, whose
reason -> Error no table must cover every reason; mikey.srtp's copy of the
SRTP context layout must equal mikey.psk's; docs/firmware.md's table must
list the reasons as errors.py numbers them."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ERRORS = ROOT / "firmware" / "mikey" / "errors.py"


def consts(path: Path) -> dict:
    """NAME -> value for every top-level `NAME = const(value)`."""
    out = {}
    for node in ast.parse(path.read_text()).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", None) == "const"):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value.args[0])
            except ValueError:  # an expression (1 << 20): no reason, no layout
                pass
    return out


def reasons() -> dict:
    return {k: v for k, v in consts(ERRORS).items() if k.startswith("_R_")}


def sources():
    for d in ("firmware/mikey", "tests/firmware", "tools/bench"):
        yield from sorted((ROOT / d).glob("*.py"))


def test_reasons_are_numbered_from_0_and_all_have_an_error_no():
    r = reasons()
    assert sorted(r.values()) == list(range(len(r)))
    codes = consts(ERRORS)["_CODES"]
    assert len(codes) == len(r)
    assert all(0 <= c <= 13 for c in codes)
    # the groups RFC 3830 §6.12 and RFC 4738 give
    assert {k for k, v in r.items() if codes[v] == 13} == {
        "_R_TRUNCATED", "_R_BAD_LENGTH", "_R_UNKNOWN_PAYLOAD", "_R_UNEXPECTED_PAYLOAD", "_R_TRAILING_DATA",
        "_R_BAD_VERSION"}
    assert (codes[r["_R_AUTH"]], codes[r["_R_TIMESTAMP"]], codes[r["_R_REPLAY"]], codes[r["_R_POLICY_PARAM"]],
            codes[r["_R_DATA_TYPE"]], codes[r["_R_OVERFLOW"]]) == (0, 1, 1, 10, 11, 12)


def test_every_copy_of_a_reason_is_the_one_in_errors_py():
    r = reasons()
    copies = 0
    for path in sources():
        if path == ERRORS:
            continue
        for name, value in consts(path).items():
            if name.startswith("_R_"):
                assert name in r, f"{path.relative_to(ROOT)}: {name} is no reason in errors.py"
                assert value == r[name], f"{path.relative_to(ROOT)}: {name} = {value}, errors.py says {r[name]}"
                copies += 1
    assert copies > 50


def test_reasons_raised_are_copied_not_spelled():
    # MikeyError(<number>) with a literal would escape the check above
    for path in sources():
        for m in re.finditer(r"MikeyError\((\d+)", path.read_text()):
            raise AssertionError(f"{path.relative_to(ROOT)}: MikeyError({m.group(1)}): use a _R_ const")


def test_srtp_reads_contexts_as_base_writes_them():
    fw = ROOT / "firmware" / "mikey"
    base = consts(fw / "base.py")
    srtp = consts(fw / "srtp.py")
    shared = [k for k in srtp if k.startswith("_C_") or k == "SLOT"]
    assert len(shared) >= 6
    for k in shared:
        assert srtp[k] == base[k], k
    for mod in ("psk.py", "dhhmac.py"):  # their copies of the layout
        c = consts(fw / mod)
        for k in [k for k in c if k.startswith(("_C_", "_K_")) and k in base]:
            assert c[k] == base[k], (mod, k)
        if "_SLOT" in c:
            assert c["_SLOT"] == base["SLOT"], mod
    # srtp's quirk names in the order of the quirk bits the modes set
    names = ast.literal_eval(re.search(r"QUIRKS = (\(.*?\))", (fw / "srtp.py").read_text(), re.S).group(1))
    bits = {}
    for mod in ("base.py", "psk.py", "dhhmac.py"):
        for k, v in consts(fw / mod).items():
            if k.startswith("_Q_"):
                assert bits.setdefault(k, v) == v, (mod, k)
    assert sorted(set(bits.values())) == [1 << i for i in range(len(names))]
    assert names == ("trailing-zero", "no-rand", "implausible-timestamp", "sp-tag-length-in-param-3",
                     "tek-key-and-salt", "kemac-rfc4650-numbers")


def test_docs_list_the_reasons():
    doc = (ROOT / "docs" / "firmware.md").read_text()
    r = reasons()
    codes = consts(ERRORS)["_CODES"]
    for name, value in r.items():
        row = re.search(rf"\|\s*{value}\s*\|\s*`{name[3:].lower()}`\s*\|\s*{codes[value]}\s*\|", doc)
        assert row, f"docs/firmware.md: no row '| {value} | `{name[3:].lower()}` | {codes[value]} |'"
