"""MedCom's FHIR messages between the sectors: CareCommunication (carecommunication.py)."""
