"""Study-buddy matching: pair scores, the sparse candidate graph and the group solver.

Pure domain logic: no I/O, no clock. `candidates.plan_round` is the one call a round needs;
`score` explains each pair; `solver.solve_groups` is generic over weighted graphs, built from
`graph`, `exact`, `relaxation`, `approximate`, `paths` and `trios` (see `solver`'s docstring).
"""
