"""assess: scoring, ranking and rectification for rural-revitalization assessments.

Importing the package must stay cheap: the CLI imports each command's
machinery only when that command runs.
"""

__version__ = "0.1.0"
