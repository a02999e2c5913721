"""The directory as a read-only HL7 FHIR R4 API at /fhir/ (docs/api.md, "FHIR"); contract/fhir.py maps it."""
