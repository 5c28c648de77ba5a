"""MedCom messages: the national standard's FHIR messages between hospitals, municipalities
and GPs (HospitalNotification in, CareCommunication in and out), answered with a MedCom
Acknowledgement.

messaging.py (PURE: the envelope every MedCom message shares, the dispatch table by the
MessageHeader's event), hospitalnotification.py (PURE: a HospitalNotification bundle as an
event), stay.py (PURE: a hospital stay replayed from its notifications), acknowledgement.py
(PURE: the answer), carecommunication.py (PURE: a CareCommunication read and built),
service.py (the use cases), api.py (POST /fhir/$process-message).
See docs/medcom.md and docs/messages.md.
"""
