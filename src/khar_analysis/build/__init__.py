"""build: wiring - the incremental plan, notebook execution, publishing, the report, the ``khar`` command."""
