"""Reading free text: normalisation, clauses, time commitments and negation, table-driven."""

from __future__ import annotations

import pytest

from trainer.content.loader import ContentLibrary, load_library
from trainer.content.models import NegationSpec, PhraseList
from trainer.locations import bundled_content_root
from trainer.services.roleplay.matching import PhraseMatcher
from trainer.services.roleplay.normalize import clause_starts, normalise
from trainer.services.roleplay.timeparse import find_time_phrases


@pytest.fixture(scope="module")
def bundled() -> ContentLibrary:
    library = load_library([bundled_content_root()])
    assert library.problems == []
    return library


@pytest.mark.parametrize(
    ("original", "normalised"),
    [
        ("二十四小时内", "24小时内"),
        ("两个工作日内", "2个工作日内"),
        ("今天下午五点前", "今天下午5点前"),
        ("十点半", "10点半"),
        ("一百零五元", "105元"),
        ("帮您查一下", "帮您查一下"),  # 一下 is not a quantity
        ("我一定", "我一定"),
        ("快一点", "快一点"),  # "a little", not one o'clock
        ("下午一点前", "下午1点前"),
        ("ＡＢＣ１２３，Ｓｏｒｒｙ", "abc123,sorry"),
        ("I can’t", "i can't"),
    ],
)
def test_normalise(original: str, normalised: str) -> None:
    assert normalise(original).text == normalised


def test_normalised_spans_lead_back_to_the_agents_words() -> None:
    text = normalise("请在二十四小时内，ＯＫ？")
    start = text.text.index("24小时内")
    assert text.excerpt(start, start + len("24小时内")) == "二十四小时内"
    assert text.excerpt(text.text.index("ok"), text.text.index("ok") + 2) == "ＯＫ"


def test_clauses_split_at_punctuation_and_contrast() -> None:
    text = "非常抱歉，但是我不能退款. sorry but no"
    starts = clause_starts(text)
    pieces = [
        text[a:b].strip(" ，.") for a, b in zip(starts, [*starts[1:], len(text)], strict=True)
    ]
    assert pieces == ["非常抱歉", "但是我不能退款", "sorry", "but no"]


# (text, hours promised or None for vague, the phrase found); the call is at 14:00
TIME_CASES = [
    ("今天17点前给您回电", 3, "今天17点前"),
    ("24小时内回复您", 24, "24小时内"),
    ("两个工作日内处理完", 48, "2个工作日内"),
    ("明天上午联系您", 22, "明天上午"),
    ("一小时后给您回电", 1, "1小时后"),
    ("半小时内", 0.5, "半小时内"),
    ("一个半小时内", 1.5, "1个半小时内"),
    ("今天下班前答复您", 4, "今天下班前"),
    ("今晚八点前", 6, "今晚8点前"),
    ("下午五点前", 3, "下午5点前"),
    ("三天内", 72, "3天内"),
    ("十分钟后回拨", 1 / 6, "10分钟后"),
    ("明天下午3点", 25, "明天下午3点"),
    ("今天之内", 10, "今天之内"),
    ("马上给您回电", 1, "马上"),
    ("后天给您答复", 58, "后天"),
    ("I will call you back within 2 hours", 2, "within 2 hours"),
    ("by 5 pm today", 3, "by 5 pm today"),
    ("tomorrow morning", 22, "tomorrow morning"),
    ("in an hour", 1, "in an hour"),
    ("within 24 hours", 24, "within 24 hours"),
    ("by the end of the day", 4, "by the end of the day"),
    ("by 17:00", 3, "by 17:00"),
    ("within two business days", 48, "within two business days"),
    ("in half an hour", 0.5, "in half an hour"),
    ("no later than 4:30 pm", 2.5, "no later than 4:30 pm"),
    ("this afternoon", 4, "this afternoon"),
    ("tomorrow by 10 am", 20, "tomorrow by 10 am"),
    ("right away", 1, "right away"),
    ("稍后给您回电", None, "稍后"),
    ("我们会尽快处理", None, "尽快"),
    ("有消息了就通知您", None, "有消息了就"),
    ("晚点联系您", None, "晚点"),
    ("I'll get back to you soon", None, "soon"),
    ("I will call you later", None, "later"),
    ("as soon as possible", None, "as soon as possible"),
    ("shortly", None, "shortly"),
]


@pytest.mark.parametrize(("text", "hours", "phrase"), TIME_CASES, ids=[c[0] for c in TIME_CASES])
def test_time_commitments(text: str, hours: float | None, phrase: str) -> None:
    normalised = normalise(text).text
    found = find_time_phrases(normalised, call_hour=14)
    assert len(found) == 1, found
    assert normalised[found[0].start : found[0].end] == phrase
    if hours is None:
        assert found[0].vague
    else:
        assert found[0].hours == pytest.approx(hours)


@pytest.mark.parametrize("text", ["您已经等了10天", "我是3号客服", "订单299元", "I waited 3 days"])
def test_past_durations_and_plain_numbers_are_not_promises(text: str) -> None:
    assert find_time_phrases(normalise(text).text) == []


def test_call_time_moves_clock_promises() -> None:
    text = normalise("今天17点前").text
    assert find_time_phrases(text, call_hour=9)[0].hours == 8


# (lang, text, phrase list, whether a live hit remains)
NEGATION_CASES = [
    ("zh", "我不会道歉的", "apology", False),
    ("zh", "我没有抱歉的意思", "apology", False),
    ("zh", "我不能说对不起", "apology", False),
    ("zh", "不好意思让您久等了", "apology", True),
    ("zh", "非常抱歉", "apology", True),
    ("zh", "对不起，我来帮您查", "apology", True),
    ("zh", "给您带来不便非常抱歉", "apology", True),
    ("zh", "我们无法给您回电", "callback", False),
    ("zh", "抱歉，但是我不会给您回电", "callback", False),
    ("zh", "不用担心，我今天会联系您", "callback", True),
    ("zh", "没关系，我马上帮您查询一下", "check", True),
    ("zh", "我理解您的心情", "empathy", True),
    ("zh", "我不理解您为什么生气", "empathy", False),
    ("zh", "不好意思，这个我不清楚", "dont_know", True),
    ("zh", "我不会再让您久等，今天给您回电", "callback", True),
    ("en", "I'm so sorry about this", "apology", True),
    ("en", "I'm not sorry", "apology", False),
    ("en", "I can't apologize enough", "apology", True),
    ("en", "I can’t apologise enough", "apology", True),
    ("en", "I won't apologize for that", "apology", False),
    ("en", "I will never call you back", "callback", False),
    ("en", "Don't worry, I will call you back", "callback", True),
    ("en", "That is not my problem", "blame", True),
    ("en", "I am not able to verify that", "check", False),
    ("en", "Sorry, but I cannot verify it", "check", False),
    ("en", "No problem, let me check that for you", "check", True),
    ("en", "I'm not only sorry, I will fix it", "apology", True),
    ("en", "I don't know", "dont_know", True),
]


@pytest.mark.parametrize(
    ("lang", "text", "phrases", "hit"), NEGATION_CASES, ids=[c[1] for c in NEGATION_CASES]
)
def test_negation(bundled: ContentLibrary, lang: str, text: str, phrases: str, hit: bool) -> None:
    matcher = PhraseMatcher(lang, bundled.lexicon, bundled.standard.negation, 14)
    reply = matcher.analyse(text)
    assert (matcher.first(reply, [f"@{phrases}"]) is not None) is hit
    # and the phrase is there to be found: only the negation decides
    blind = PhraseMatcher(lang, bundled.lexicon, NegationSpec(), 14)
    assert blind.first(blind.analyse(text), [f"@{phrases}"]) is not None


def test_negators_and_exceptions_are_data_a_company_can_extend(bundled: ContentLibrary) -> None:
    negation = bundled.standard.negation
    extended = negation.model_copy(
        update={"exceptions": PhraseList(zh=[*negation.exceptions.zh, "不会不"], en=[])}
    )
    text = "我不会不给您回电"  # "I will not fail to call you back"
    plain = PhraseMatcher("zh", bundled.lexicon, negation, 14)
    assert plain.first(plain.analyse(text), ["@callback"]) is None
    taught = PhraseMatcher("zh", bundled.lexicon, extended, 14)
    assert taught.first(taught.analyse(text), ["@callback"]) is not None
