"""The anticoagulation use cases, each in the module named after its part of the domain:

    plans           plans and nomogram versions (store_nomogram, plan_from_input, update_plan)
    inr_evaluation  INR readings judged: alerts, a suggestion for the newest, poor control,
                    missed tests (evaluate_inr, check_missed_tests)
    decisions       deciding a suggestion: the patient's accept, the clinic's confirm and
                    override (decide_dose)
    dose_worklist   the suggestions waiting for a clinician of the caller's teams (waiting)
    patient_view    what the patient and her clinic read (summary)

The rules themselves are pure: nomogram, ttr, inr_rules, decision, instructions, tablet_plan.
This module names the entry points callers outside the package use.
"""

from telemon.anticoagulation.decisions import DoseDecision, decide_dose
from telemon.anticoagulation.inr_evaluation import check_missed_tests, evaluate_inr
from telemon.anticoagulation.patient_view import summary
from telemon.anticoagulation.plans import (
    current_nomogram_version,
    ensure_default_nomogram,
    plan_from_input,
    store_nomogram,
)

__all__ = [
    "DoseDecision",
    "check_missed_tests",
    "current_nomogram_version",
    "decide_dose",
    "ensure_default_nomogram",
    "evaluate_inr",
    "plan_from_input",
    "store_nomogram",
    "summary",
]
