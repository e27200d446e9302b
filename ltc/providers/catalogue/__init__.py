"""The service catalogue (服务项目, SPEC §5.2): items, care types, staff types and dated standard minutes."""
