"""The carer register of a provider (护理人员, SPEC §1): staff, dated qualifications and suspensions."""
