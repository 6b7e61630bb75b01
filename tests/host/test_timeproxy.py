"""`mikey timeproxy` (host/mikeyhost/timeproxy.py): the chrony configuration
and keyfile of the trusted time proxy (docs/clock.md). chronyd itself runs
them in tests/interop/test_chrony.py."""

import stat

from mikeyhost import timeproxy
from mikeyhost.cli import main


def test_write_only_makes_config_and_private_keys(tmp_path, capsys):
    assert main(["timeproxy", "--dir", str(tmp_path), "--port", "1123", "--allow", "10.0.0.0/8",
                 "--allow", "127.0.0.1", "--write-only"]) == 0
    out, err = capsys.readouterr()
    conf = (tmp_path / "chrony.conf").read_text().splitlines()
    for line in ("port 1123", "allow 10.0.0.0/8", "allow 127.0.0.1", "local stratum 8", "cmdport 0",
                 f"keyfile {tmp_path / 'chrony.keys'}"):
        assert line in conf
    keys = tmp_path / "chrony.keys"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    lines = keys.read_text().split("\n")
    assert lines[0].startswith("1 SHA1 HEX:") and len(lines[0]) == len("1 SHA1 HEX:") + 40
    assert lines[1].startswith("2 AES128 HEX:") and len(lines[1]) == len("2 AES128 HEX:") + 32
    assert len(timeproxy.read_key(tmp_path, "aes128")) == 16
    assert out.split()[:2] == [timeproxy.command(tmp_path / "chrony.conf")[0], "-x"]
    for kind in ("sha1", "aes128"):  # the keys are never printed
        assert timeproxy.read_key(tmp_path, kind).hex() not in out + err


def test_keep_keys(tmp_path, capsys):
    main(["timeproxy", "--dir", str(tmp_path), "--write-only"])
    before = (tmp_path / "chrony.keys").read_text()
    main(["timeproxy", "--dir", str(tmp_path), "--write-only", "--keep-keys"])
    assert (tmp_path / "chrony.keys").read_text() == before
    main(["timeproxy", "--dir", str(tmp_path), "--write-only"])
    assert (tmp_path / "chrony.keys").read_text() != before
