"""trainer: train and certify customer-service agents in the terminal."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("trainer")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+checkout"

__all__ = ["__version__"]
