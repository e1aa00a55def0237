"""Sentences kept as catalog keys with values, so stored results read in either language.

Scorecards keep their coaching this way, assessments what is missing: a record written in
Chinese reads in English after the person switches language.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from trainer.content.models import STEPS
from trainer.i18n import translate


class Note(BaseModel):
    """A sentence kept as its catalog key `<area>.<key>` and values, rendered on demand."""

    key: str
    area: str = "roleplay"
    """The catalog section holding the sentence."""
    values: dict[str, str | int | float] = Field(default_factory=dict)

    def render(self, lang: str) -> str:
        return translate(lang, f"{self.area}.{self.key}", **self.render_values(lang))

    def render_values(self, lang: str) -> dict[str, str | int | float]:
        """The values as the sentence in `lang` shows them."""
        values: dict[str, str | int | float] = {}
        for name, value in self.values.items():
            base, _, value_lang = name.partition(":")
            if value_lang:  # `title:zh` and `title:en` are one value, `title`, in two languages
                if value_lang == lang or base not in values:
                    values[base] = value
                continue
            if name.endswith("step") and isinstance(value, str) and value in STEPS:
                value = translate(lang, f"roleplay.step_{value}")
            elif name == "parts" and isinstance(value, str):
                separator = "、" if lang == "zh" else ", "
                names = [translate(lang, f"roleplay.part_{part}") for part in value.split(",")]
                value = separator.join(names)
            values[name] = value
        return values
