"""Policy versions (placeholder until the policy module lands)."""
