"""Care providers (定点护理服务机构): dated agreement attributes; later care plans and records."""
