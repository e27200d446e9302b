"""Dynamic management services: the trigger on every star written, the rectification workflow, the
MIA's agreement-review decisions, and the scoped readers of the pages."""
