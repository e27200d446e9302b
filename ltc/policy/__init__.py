"""Policy store (SPEC §0.3): effective-dated, typed policy versions shared by every domain."""
from ltc.policy import sections  # noqa: F401  (fills the section registry)
