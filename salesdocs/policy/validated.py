"""One file read and checked against its schema, remembered by its exact bytes.

:func:`read_validated` is what ``check`` does with each file before the checks that look across
files: read (:func:`~salesdocs.policy.reader.read_yaml_bytes`), then validate against the schema of
its kind (which also coerces text fields).  Both are pure functions of the file's bytes, its name,
its kind and whether the workspace needs it (the schemas are packaged), so a long-lived process — the
preview re-checks the whole workspace on every save — keeps the results of the last files it read,
keyed by all four, and reads only the file that changed.  Every later call gets its own copy (unpickled),
so nothing a caller does to a document reaches the next one; the first reader of a file gets
the very result the snapshot was taken from (one unpickling less on ``check``'s cold path).
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict

from salesdocs.errors import Problem
from salesdocs.policy.reader import Document, read_yaml_bytes
from salesdocs.policy.schema import validate

_KEPT = 256  # files remembered (a workspace has a few dozen)
_RESULTS: OrderedDict[tuple[str, str, bool, bytes], bytes] = OrderedDict()
_LOCK = threading.Lock()


def read_validated(raw: bytes, rel: str, kind: str, *, required: bool = False) -> tuple[Document | None, list[Problem], list[Problem]]:
    """The document of ``raw`` (None when it does not read), the reading's problems and the schema's."""
    key = (rel, kind, required, hashlib.sha256(raw).digest())
    with _LOCK:
        kept = _RESULTS.get(key)
        if kept is not None:
            _RESULTS.move_to_end(key)
    if kept is not None:
        result: tuple[Document | None, list[Problem], list[Problem]] = pickle.loads(kept)
        return result
    doc, read_problems = read_yaml_bytes(raw, rel, required=required)
    schema_problems = validate(doc, kind) if doc is not None else []
    result = (doc, read_problems, schema_problems)
    blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)  # a snapshot, taken before the caller sees it
    with _LOCK:
        _RESULTS[key] = blob
        while len(_RESULTS) > _KEPT:
            _RESULTS.popitem(last=False)
    return result  # the caller may change it: the kept snapshot does not change with it
