"""``salesdocs preview``: a live browser workbench for the people who edit the policy.

A layer above :mod:`salesdocs.build` and below :mod:`salesdocs.cli`:

* :mod:`.files` — which files the page may read and write (path safety), atomic saves that keep
  line endings, the ``If-Match`` check and the local history in ``.salesdocs/history/``;
* :mod:`.schemahelp` — the schema's help for the field at the editor's cursor;
* :mod:`.workbench` — the warm process: re-check, re-render only the documents whose inputs
  hash changed (the build's rule), rasterise them, number the revisions;
* :mod:`.pages` — a rendering's page images, by PDFium in this process, page 1 first;
* :mod:`.app` — the application (Starlette): token, Host check, CSP around the routes;
* :mod:`.handlers` — the HTTP contract, one method per request;
* :mod:`.refresher` — the file watcher (watchfiles), when to re-check, what to render next; the events;
* :mod:`.server` — the socket on 127.0.0.1, the token, uvicorn.
"""
