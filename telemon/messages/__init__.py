"""Messages about a patient: the thread between the patient, the home nurses and GPs the
enrolment is shared with, and the responsible care team (docs/messages.md)."""
