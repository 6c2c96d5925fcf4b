"""Homework on learning platforms: `trace-net export prairielearn|moodle|canvas` (delivery.md §1).

asked.py: the quantities asked and the checker's tolerance for each entry; pl_runtime.py: what
an exported PrairieLearn question runs (PrairieLearn's own packages only); prairielearn.py,
moodle.py, canvas.py: the files each platform imports; slips.py: the values the common slips
give, named by the checker's diagnosis.
"""
