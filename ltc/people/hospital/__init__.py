"""Hospital stays (住院, SPEC §2) from the medical-insurance system: records, import, pages."""
