"""``salesdocs preview``: a live browser workbench for the people who edit the policy.

A layer above :mod:`salesdocs.build` and below :mod:`salesdocs.cli`:

* :mod:`.files` — which files the page may read and write (path safety), atomic saves that keep
  line endings, the ``If-Match`` check and the local history in ``.salesdocs/history/``;
* :mod:`.schemahelp` — the schema's help for the field at the editor's cursor;
* :mod:`.workbench` — the warm process: re-check, re-render only the documents whose inputs
  hash changed (the build's rule), rasterise them, number the revisions;
* :mod:`.app` — the HTTP contract (Starlette): token, Host check, CSP, JSON, PNG, events;
* :mod:`.server` — uvicorn on 127.0.0.1 and the file watcher (watchfiles).
"""
