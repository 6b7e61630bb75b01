"""The device's provisioned settings on its filesystem (docs/serial-protocol.md,
"Provisioning"): one JSON file, replaced atomically so that a power cut
leaves the old set or the new one, never a mix.

Writing: the new set goes to NEW in full and is flushed, then renamed over
FILE. Where a rename cannot replace (FAT), FILE is removed first; a cut
between the two leaves only NEW, which start-up then finishes renaming.
A NEW beside a FILE is a write that never finished: start-up removes it.
"""

import json
import os

FILE = "/mikey.json"
NEW = "/mikey.new"


def _exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def _read(path):
    with open(path) as f:
        return json.loads(f.read())


def load(file=FILE, new=NEW):
    """The stored settings ({} when none), after finishing or discarding an
    interrupted write."""
    if _exists(new):
        if _exists(file):
            os.remove(new)  # cut while writing NEW: the old set stands
        else:
            try:
                _read(new)  # complete? (it was, unless the file system lied)
                os.rename(new, file)
            except (OSError, ValueError):
                os.remove(new)
    if not _exists(file):
        return {}
    try:
        return _read(file)
    except ValueError:
        return {}


def save(settings, file=FILE, new=NEW):
    """Replace the stored settings with `settings` (a dict of JSON values)."""
    with open(new, "w") as f:
        f.write(json.dumps(settings))
        f.flush()
    if hasattr(os, "sync"):
        os.sync()
    try:
        os.rename(new, file)
    except OSError:
        os.remove(file)
        os.rename(new, file)
