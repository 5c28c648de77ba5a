"""POST /fhir/$process-message: a MedCom message in, its MedCom Acknowledgement out.

Registered on the FHIR blueprint (telemon.fhir.api), so that a refusal is an OperationOutcome
like every /fhir error: no token 401, not a messaging account 403, not JSON 400, another media
type 415, no readable envelope 422. A message with an envelope is answered 200 with an
Acknowledgement message Bundle, whether `ok` or `fatal-error` (MedCom's answer is a message).
"""

from __future__ import annotations

from flask import Response

from telemon.fhir.api import _body as fhir_body  # the /fhir bodies' one reader
from telemon.fhir.api import bp, fhir_response
from telemon.http.auth import api_user
from telemon.medcom import service


@bp.route("/$process-message", methods=["POST"])
def process_message() -> Response:
    """A MedCom message Bundle (HospitalNotification), answered with an Acknowledgement."""
    user = api_user()
    return fhir_response(service.process_message(user, fhir_body()))
