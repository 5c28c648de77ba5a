"""HL7 FHIR R4 (4.0.1) on /fhir: gateway uploads in, the record read back out.

Resources are parsed and built with the fhirclient models (R4 4.0.1); readings go through the
same store path as the JSON API (telemon.ingest.service), codes through telemon.ingest.codes.
"""
