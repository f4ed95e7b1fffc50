"""What other apps may follow without assessments knowing them (the layers point one way).

`assessment_started` is sent inside the transaction that starts a period, with `assessment`
and `actor`: the improvement plan uses it to follow a framework revision (kompas.plans.apps).
"""

from django.dispatch import Signal

assessment_started = Signal()
