"""The array path: the engine's scoring contract on numpy columns, for whole cohorts at once.

The per-unit engine (``engine.py``, ``rules.py``, ``total.py``, ``grades.py``,
``ranking.py``) is the reference: it writes the basis of every point.  This package computes
the same indicator scores, totals, places and grades for every unit at once, without basis
text, for ``rank --brief`` (values computed on columns too) and ``rank --sensitivity``
(values from the engine's ``prepare``, re-scored many times).

One contract:

* ``support.array_support(plan, columns=..., units=...)`` is the only decision whether the
  array path may score a scheme and a run; it lists, in Chinese, what it cannot reproduce
  (``rank --brief`` then scores with the engine, ``--sensitivity`` refuses naming them).
  Everything it does not list is honoured exactly as the engine honours it.
* Rounding has one implementation, ``numbers.Rounder``: the engine calls ``rnd(x)`` and
  ``rnd.sum``, the array path ``rnd.array`` and ``rnd.sum_array`` (the same decisions, and the
  same Decimal reference for values the floats cannot decide).
* ``tests/scoring/test_contract.py`` generates schemes varying every option and random data
  and asserts identical scores, totals, places and grades on both paths.

Which array function mirrors which engine function:

==========================================  ====================================================
array path                                  engine
==========================================  ====================================================
``columns.brief_columns`` / ``_brief``      ``engine.prepare`` + ``score_prepared`` +
                                            ``ranking.rank_cohort`` + ``Brief.from_results``
``columns._gather``                         ``engine.prepare`` (reported values into the env)
``columns._aggregate``                      ``engine.prepare`` (detail tables: ``aggregate``)
``columns._alias``                          ``engine.prepare`` (``env.setdefault(name, …)``)
``columns._formula_value``                  ``engine._formula_value``
``formula.compile_vector``                  ``scheme.formula.Formula.evaluate``
``columns._bonus`` / ``_bonus_rule``        ``total._bonus`` (``rules.bonus`` and unit rules)
``columns._penalties``                      ``total._penalties``
``columns._section``                        ``total._capped``
``columns._vetoes``                         ``total._vetoes``
``columns._levels``                         ``grades.grade_unit`` (band, vetoes, bars)
``core.FastCohort.__init__``                ``engine.score_prepared`` results: bonus, penalties,
                                            vetoes and bars as the engine found them
``core.FastCohort.indicator_scores``        ``engine._unit_rule`` + ``engine._not_ok`` +
                                            ``engine._score_cohort_indicator``
``core.FastCohort._rule``                   ``rules.threshold`` … ``rules.ladder`` (``UNIT_RULES``)
``core.fixed_scores``, ``columns._overrides`` ``overrides.holding`` + ``override_score`` (得分调整)
``core.FastCohort._cohort_scores``          ``engine._score_cohort_indicator`` (pools)
``core.FastCohort._cohort_rule``            ``rules.cohort_stats`` + ``rules.rank`` / ``minmax``
``core.FastCohort._relative``               ``rules.relative``
``core.FastCohort._deduct_groups``          ``engine._apply_deduct_groups``
``core.FastCohort.totals``                  ``total.finish_unit`` (categories, rescaling,
                                            weights, bonus, penalties, zero veto)
``core.FastCohort._compose``                ``total.finish_unit`` (``composition`` parts)
``core._round9``                            ``round(x, 9)`` in ``rules.step``
``standing.Standing.places``                ``ranking._order`` + ``ranking._places``
``standing.Standing._parent_score``         ``total._parents`` (a tie-break on a parent)
``standing.Standing.grades``                ``grades.band_grade`` + ``ranking._apply_quotas``
                                            (``ranking.quota_cut``, ``quota_allowed``,
                                            ``quota_tie_note``: called by both)
``Rounder.array`` / ``Rounder.sum_array``   ``Rounder.__call__`` / ``Rounder.sum``
==========================================  ====================================================

Variations (``core.Variation``: other weights, targets, band edges, indicators left out) have
no engine counterpart; with none, the array path is the engine.
"""
