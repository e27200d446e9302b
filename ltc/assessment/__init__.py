"""Assessment agencies: applications, the national scale, publicity, objections (SPEC §3)."""
