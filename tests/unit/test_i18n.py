"""Both catalogs hold the same keys with the same placeholders."""

import re
import string

import pytest

from trainer.i18n import Translator, catalog, translate


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogs_have_the_same_keys() -> None:
    assert set(catalog("zh")) == set(catalog("en"))


@pytest.mark.parametrize("key", sorted(catalog("en")))
def test_placeholders_match(key: str) -> None:
    assert _placeholders(catalog("zh")[key]) == _placeholders(catalog("en")[key])


def test_chinese_strings_are_chinese() -> None:
    """A zh string left in English is a forgotten translation (ids and symbols aside)."""
    han = re.compile(r"[\u4e00-\u9fff]")
    untranslated = [
        key
        for key, text in catalog("zh").items()
        if not han.search(text)
        and re.search(r"[a-z]{4,}", re.sub(r"\{\w+\}|trainer", "", text))  # name, placeholders
        and not key.startswith("keys.")
    ]
    assert untranslated == []


def test_translate_formats_values() -> None:
    assert translate("en", "cli.user_added", name="Li Na", id="li-na") == "Added Li Na (id li-na)."
    assert (
        Translator("zh")("cli.user_added", name="李娜", id="li-na") == "已添加 李娜（id li-na）。"
    )
