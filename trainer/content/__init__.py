"""Content: read-only tracks, question banks and scenarios, validated into frozen models."""

from trainer.content.errors import ContentProblem, ContentProblemError
from trainer.content.loader import ContentLibrary, Loaded, load_library

__all__ = ["ContentLibrary", "ContentProblem", "ContentProblemError", "Loaded", "load_library"]
