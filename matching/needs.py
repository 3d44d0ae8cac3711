"""What a student's impairments say about the support they need, asked in one place.

The mentor rule (a trained mentor saves an hour a week), the support fit, the learned
model's features, the explanations and the gap report all ask whether a student
has a psychological impairment; they ask ``psychological``, so they always agree.
"""

from __future__ import annotations

import numpy as np

from features.arrays import StudentArrays
from features.vocabulary import ImpairmentGroup


def psychological(students: StudentArrays) -> np.ndarray:
    """(n,) bool: the student has a psychological impairment (autism, ADHD, anxiety, depression)."""
    return students.has_group(ImpairmentGroup.PSYCHOLOGICAL)
