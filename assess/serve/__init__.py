"""``assess serve``: the yearly round in a local web page (issue 25).

A thin web layer over the command cores: scheme choice and check, collection
of the units' workbooks with a receipt (回执) per file, scoring, ranking,
explain and rectification.  Nothing here scores, reads or renders on its own;
every figure and document comes from :mod:`assess.commands`.

Modules, one purpose each:

- :mod:`.layout`    the working folder's names (shared by every module)
- :mod:`.store`     versioned submissions, their records, the accepted copies
- :mod:`.receipts`  checking one uploaded file as ``assess check`` does
- :mod:`.audit`     the audit log (JSON lines with sha256)
- :mod:`.auth`      access codes, sessions, CSRF
- :mod:`.jobs`      background work with progress (ranking 3,000 units)
- :mod:`.work`      calls into the commands (rank, score, explain, template, rectify)
- :mod:`.uploads`   reading multipart uploads within limits
- :mod:`.app`       the Starlette application and its middleware
- :mod:`.pages_*`   the pages (routes)
- :mod:`.run`       starting uvicorn (the only module importing it)

Importing this package imports nothing heavy; :func:`assess.serve.app.create_app`
imports Starlette.
"""
