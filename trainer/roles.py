"""The three roles a person can hold. A module of its own, free of pydantic, because the
command line's parser lists them before anything heavier is imported."""

from __future__ import annotations

from typing import Literal

Role = Literal["learner", "mentor", "trainer"]
ROLES: tuple[Role, ...] = ("learner", "mentor", "trainer")
