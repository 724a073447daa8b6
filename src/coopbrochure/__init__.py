"""coopbrochure: print-grade PDF publications about development cooperation, from YAML and Markdown."""

from .errors import CoopbrochureError

__all__ = ["build", "CoopbrochureError"]


def __getattr__(name: str):
    # `build` pulls in the whole pipeline; import it on first use so that `coopbrochure --help` starts fast.
    if name == "build":
        from .pipeline import build

        return build
    raise AttributeError(name)
