"""Strict YAML reader: values plus the line:column of every key and value.

Reads YAML the way a non-programmer means it and reports every mistake as a
located :class:`~salesdocs.errors.Problem` instead of raising:

* UTF-8 only (a UTF-8 BOM is accepted); GBK/GB18030 and UTF-16 files are named;
* no anchors, aliases, tags, merge keys, directives or several documents;
* duplicate keys are errors citing both lines;
* ``yes/no/on/off/y/n`` are errors (write ``true``/``false`` or quote the text);
* tabs and full-width spaces in indentation, full-width colons and commas where
  YAML syntax needs ASCII (in ``[ ]`` and ``{ }`` too), full-width brackets, digits and ``％``
  in numbers, and curly quotes around a value get their own message at their column;
* a `` #`` that evidently cuts a text value short is a warning with the quoting fix;
* plain scalars resolve as editors read YAML 1.2: ``true``/``false``, ``null``,
  integers, decimals (as :class:`~decimal.Decimal`, never float); dates and
  ``1:30`` stay text.

The reader never raises for bad input: whatever the bytes, it returns a
document (or ``None``) and a list of problems.

One module per concern: :mod:`.decoding` (bytes to text), :mod:`.prescan` (line-based
checks and refused YAML features), :mod:`.syntax` (YAML's syntax errors translated),
:mod:`.values` (nodes to values and positions), :mod:`.document` (the result) and
:mod:`.pipeline` (the order they run in).
"""

from salesdocs.policy.reader.document import Document, PathKey, Position
from salesdocs.policy.reader.pipeline import read_yaml, read_yaml_bytes

__all__ = ["Document", "PathKey", "Position", "read_yaml", "read_yaml_bytes"]
