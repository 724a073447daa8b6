"""coopbrochure: print-grade PDF publications about development cooperation, from YAML and Markdown."""

from .build import build
from .errors import CoopbrochureError

__all__ = ["build", "CoopbrochureError"]
