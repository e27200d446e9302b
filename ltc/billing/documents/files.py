"""Where the rendered beneficiary statements are stored: ``STATEMENTS_FOLDER`` from the app's
configuration, else ``<instance>/statements`` (read in the app context of a request or of the
scheduler process)."""
import os
from pathlib import Path

from flask import current_app


def statements_folder() -> Path:
    folder = current_app.config.get("STATEMENTS_FOLDER") or os.path.join(current_app.instance_path, "statements")
    return Path(folder)
