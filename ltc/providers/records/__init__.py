"""Service records (SPEC §5.4): bed-based stays and leaves, visits, and the versions kept on correction."""
