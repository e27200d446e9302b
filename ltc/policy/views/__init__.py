"""Policy pages: versions and their sections (``versions``), copy, edit, validate, publish and retire (``edit``)."""
