"""Several data sources per unit: where each value comes from, how sources are read and merged.

``spec`` compiles a scheme's ``sources:``; ``locate`` finds each source's files;
``table``, ``findings`` and ``ratings`` read one kind each into per-unit values;
``merge`` puts them onto the units and writes the receipt (回执).
"""
