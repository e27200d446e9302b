"""The expert register (评估专家名录, SPEC §1, §3.2): certificates of agency assessors, managed by the MIA."""
