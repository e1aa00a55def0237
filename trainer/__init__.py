"""trainer: train and certify customer-service agents in the terminal."""

# The one place the version is written; hatchling reads it from here for the package.
__version__ = "0.1.0"

__all__ = ["__version__"]
