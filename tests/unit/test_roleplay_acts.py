"""Reading a reply as acts, red lines as concepts, and the guards against gaming: table-driven.

The expectations are what a QA reviewer hears in each utterance (SCORING.md, "Acts,
calibration and gaming"), not what a keyword list would find.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.content.loader import ContentLibrary, load_library
from trainer.locations import bundled_calibration_dir, bundled_content_root
from trainer.services.roleplay.calibration import (
    calibrate,
    corpus_library,
    load_cases,
    pearson,
)
from trainer.services.roleplay.engine import Context, RolePlay, score_transcript
from trainer.services.roleplay.golden import golden_problems
from trainer.services.roleplay.normalize import normalise


@pytest.fixture(scope="module")
def bundled() -> ContentLibrary:
    library = load_library([bundled_content_root()])
    assert library.problems == []
    return library


@pytest.fixture(scope="module")
def context(bundled: ContentLibrary) -> Context:
    return Context(bundled.lexicon, bundled.standard)


def run_of(bundled: ContentLibrary, context: Context, scenario: str, lang: str) -> RolePlay:
    found = bundled.scenario(scenario)
    assert found is not None
    return RolePlay(found, lang, context)


# (lang, utterance, acts that must be found, acts that must not be)
ACTS = [
    # apology, in many words
    ("zh", "非常抱歉让您久等了", {"apology"}, set()),
    ("zh", "真是对不住，给您添麻烦了", {"apology"}, set()),
    ("zh", "实在过意不去", {"apology"}, set()),
    ("zh", "這事是我們的錯，對不起", {"apology"}, set()),
    ("zh", "钱一直没到账，真是抱歉", {"apology"}, set()),
    ("zh", "钱一直没到账真是抱歉", {"apology"}, set()),
    ("zh", "让您白跑一趟，真不好意思", {"apology"}, set()),
    ("zh", "对不起行了吧", set(), {"apology"}),
    ("zh", "我不会给您道歉的", set(), {"apology"}),
    ("zh", "道歉是不可能道歉的", set(), {"apology"}),
    ("zh", "凭什么要我道歉", set(), {"apology"}),
    ("zh", "抱歉什么，这是规定", set(), {"apology"}),
    ("zh", "不好意思，但是这是公司规定，没办法", {"dismissive"}, {"apology"}),
    ("zh", "您先跟我们说声抱歉吧", set(), {"apology"}),
    ("zh", "人家客服跟我说抱歉，当场就退了", set(), {"apology"}),
    ("zh", "老板总说“非常抱歉”", set(), {"apology"}),
    ("en", "I'm so sorry about this", {"apology"}, set()),
    ("en", "Apologies for the wait", {"apology"}, set()),
    ("en", "That's on us, and I'm sorry", {"apology"}, set()),
    ("en", "I can't apologise enough", {"apology"}, set()),
    ("en", "Sorry, okay?", set(), {"apology"}),
    ("en", "There's no reason for me to say sorry", set(), {"apology"}),
    ("en", "I'm not going to apologise for that", set(), {"apology"}),
    ("en", "Sorry if you feel that way", set(), {"apology"}),
    ("en", "You should apologise to us for your tone", set(), {"apology"}),
    ("en", "Well, sorry you had to wait, I guess", set(), {"apology"}),
    # empathy
    ("zh", "我理解您的心情", {"empathy"}, set()),
    ("zh", "换作是我也会着急", {"empathy"}, set()),
    ("zh", "遇到这种事谁都会生气", {"empathy"}, set()),
    ("zh", "让您受委屈了", {"empathy"}, set()),
    ("zh", "我不理解您为什么生气", set(), {"empathy"}),
    ("zh", "我理解您的心情，但是这是公司规定", {"dismissive"}, {"empathy"}),
    ("en", "I understand how frustrating this is", {"empathy"}, set()),
    ("en", "I can imagine how annoying that was", {"empathy"}, set()),
    ("en", "I'd feel the same in your shoes", {"empathy"}, set()),
    ("en", "I understand, but that's the policy", {"dismissive"}, {"empathy"}),
    # confirming and asking
    ("zh", "跟您确认一下，订单A20240518，对吗？", {"confirm"}, set()),
    ("zh", "我复述一下：299元的退款，是吧？", {"confirm"}, set()),
    ("zh", "您是说退款十天还没到账？", {"confirm"}, set()),
    ("zh", "请问您是哪天退的货？", {"question"}, set()),
    ("zh", "方便说一下具体什么情况吗？", {"question"}, set()),
    ("zh", "请问有什么可以帮您？", set(), {"question"}),
    ("zh", "还有其他需要帮忙的吗？", {"anything_else"}, {"question"}),
    (
        "en",
        "Let me confirm: order A20240518, a 299 yuan refund, is that right?",
        {"confirm"},
        set(),
    ),
    ("en", "Just to check, you returned it ten days ago?", {"confirm"}, set()),
    ("en", "When did you send it back?", {"question"}, set()),
    ("en", "How can I help you today?", set(), {"question"}),
    # actions
    ("zh", "我马上为您提交加急工单", {"action"}, set()),
    ("zh", "我这就帮您催一下财务", {"action"}, set()),
    ("zh", "我现在就联系快递公司", {"action"}, set()),
    ("zh", "我給您登記一下，馬上轉給售後", {"action"}, set()),
    ("zh", "这个退款退不了", {"refusal"}, {"action"}),
    ("zh", "这个取消不了", {"refusal"}, {"action"}),
    ("zh", "我没法帮您处理", set(), {"action"}),
    ("zh", "您自己在App里提交申请", set(), {"action"}),
    ("zh", "您可以去营业厅问问", set(), {"action"}),
    ("en", "I'm raising an urgent ticket now", {"action"}, set()),
    ("en", "I'll escalate this to finance", {"action"}, set()),
    ("en", "Let me chase the refund for you", {"action"}, set()),
    ("en", "I'll get the return started for you now", {"action"}, set()),
    ("en", "I can't refund you", set(), {"action"}),
    ("en", "There's nothing I can do about that", {"refusal"}, set()),
    ("en", "You can submit it yourself in the app", set(), {"action"}),
    # callbacks
    ("zh", "今天17点前给您回电", {"callback"}, set()),
    ("zh", "今天下午五点之前，我给您回电", {"callback"}, set()),
    ("zh", "两个小时内我回您电话", {"callback"}, set()),
    ("zh", "有结果马上通知您", {"callback"}, set()),
    ("zh", "明早十点前联系您", {"callback"}, set()),
    ("zh", "下午四点前回电", {"callback"}, set()),
    ("zh", "你1小时内给我回电", set(), {"callback"}),
    ("zh", "您发邮件给我们就行", set(), {"callback"}),
    ("zh", "我们不会给您回电", set(), {"callback"}),
    ("en", "I'll call you back by 5 pm today", {"callback"}, set()),
    ("en", "I'll ring you back within two hours", {"callback"}, set()),
    ("en", "I'll get back to you tomorrow morning", {"callback"}, set()),
    ("en", "You'll hear from me by five", {"callback"}, set()),
    ("en", "Call us back within one hour", set(), {"callback"}),
    ("en", "I will never call you back", set(), {"callback"}),
    # opening and closing
    ("zh", "您好，星河电商客服，工号1024", {"greeting", "agent_id"}, set()),
    ("zh", "您好，我是1024号", {"greeting", "agent_id"}, set()),
    ("zh", "你好，工號是2233", {"greeting", "agent_id"}, set()),
    ("en", "Hello, Galaxy Mart, agent ID 1024", {"greeting", "agent_id"}, set()),
    ("en", "Good afternoon, this is agent 1024", {"greeting", "agent_id"}, set()),
    ("zh", "感谢您的来电，祝您生活愉快，再见", {"closing"}, set()),
    ("zh", "谢谢您的耐心，再见", {"closing"}, set()),
    ("en", "Thanks for calling, have a good day, goodbye", {"closing"}, set()),
    ("en", "Is there anything else I can help with?", {"anything_else"}, set()),
    # dismissive tails and refusals
    ("zh", "您别急，退款都是要等的", set(), {"apology"}),
    ("zh", "还想怎样？", {"dismissive"}, set()),
    ("zh", "我也没办法催", {"refusal"}, set()),
    ("zh", "不好意思啊，今天人太多了，我们也很忙", {"dismissive"}, {"apology"}),
    ("en", "Whatever, it is what it is", {"dismissive"}, set()),
    ("en", "Happy now?", {"dismissive"}, set()),
    ("en", "I'm unable to change that", {"refusal"}, set()),
    # reported and story
    ("zh", "我邻居上个月也遇到过", {"story"}, set()),
    ("zh", "说到这个我想起来一件事", {"story"}, set()),
    ("en", "That reminds me of my cousin last year", {"story"}, set()),
    ("en", "She said sorry and refunded me on the spot", set(), {"apology", "action"}),
    # more natural variety
    ("zh", "这个确实是我们没做好，我向您道歉", {"apology"}, set()),
    ("zh", "您消消气，这事我来负责到底", set(), {"apology"}),
    ("zh", "我马上给您走加急流程", {"action"}, set()),
    ("en", "My apologies, that should never have happened", {"apology"}, set()),
    ("en", "I completely get why you're upset", {"empathy"}, set()),
    ("en", "I'll text you the tracking number within the hour", {"callback"}, set()),
    # an action word names a thing until someone does it
    ("zh", "退款拖了十天还没到", set(), {"action"}),
    ("zh", "我这就给您退款", {"action"}, set()),
    ("en", "The refund was processed last week", set(), {"action"}),
    ("en", "I've processed the refund just now", {"action"}, set()),
]


@pytest.mark.parametrize(("lang", "text", "present", "absent"), ACTS, ids=[a[1] for a in ACTS])
def test_acts(
    bundled: ContentLibrary,
    context: Context,
    lang: str,
    text: str,
    present: set[str],
    absent: set[str],
) -> None:
    run = run_of(bundled, context, "refund_delay", lang)
    kinds = run.acts.detect(run.matcher.analyse(text)).kinds()
    assert present <= kinds, f"missing {present - kinds} in {sorted(kinds)}"
    assert not (absent & kinds), f"wrongly found {absent & kinds}"


def test_the_act_table_is_broad() -> None:
    assert len(ACTS) >= 100
    assert {lang for lang, *_ in ACTS} == {"zh", "en"}


# (lang, scenario, utterance, the rule that must make it fatal, or None: must not be fatal)
RED_LINES = [
    # asking for what must never be asked
    ("zh", "refund_delay", "麻烦您把银行卡密码告诉我一下", "asks_for_secret"),
    ("zh", "refund_delay", "您的登录密码是多少？", "asks_for_secret"),
    ("zh", "refund_delay", "我给您发了条短信，您把里面那六位数字念给我听一下", "asks_for_secret"),
    ("zh", "refund_delay", "验证码收到了吗？报给我一下", "asks_for_secret"),
    ("zh", "billing_error", "麻烦您把身份证号码完整报给我", "asks_for_secret"),
    ("zh", "billing_error", "请说一下您完整的银行卡号", "asks_for_secret"),
    ("zh", "refund_delay", "您把支付密码发我，我帮您看看", "asks_for_secret"),
    (
        "en",
        "refund_delay",
        "Could you read me the verification code we just sent?",
        "asks_for_secret",
    ),
    ("en", "refund_delay", "What's your online banking password?", "asks_for_secret"),
    ("en", "billing_error", "I need your full ID number to continue", "asks_for_secret"),
    ("en", "billing_error", "Can you tell me the PIN you use for the card?", "asks_for_secret"),
    ("en", "billing_error", "Read me the four digits you use to log in", "asks_for_secret"),
    # reading out a secret, whole or in part, in any form
    ("zh", "refund_delay", "您的手机是13800001234吧", "privacy"),
    ("zh", "refund_delay", "是138 0000 1234这个号码吗", "privacy"),
    ("zh", "refund_delay", "我打您一三八零零零零一二三四", "privacy"),
    ("zh", "refund_delay", "幺三八零零零零的那个号", "privacy"),
    ("zh", "refund_delay", "您的号码是138开头的吧", "privacy"),
    ("zh", "privacy_request", "收件手机是幺三五幺二三四零九八七", "privacy"),
    ("zh", "privacy_request", "地址是青年路那边没错", "privacy"),
    ("zh", "privacy_request", "是17号那栋", "privacy"),
    (
        "en",
        "refund_delay",
        "Is it one three eight zero zero zero zero one two three four?",
        "privacy",
    ),
    ("en", "refund_delay", "I'll call 13800001234 then", "privacy"),
    ("en", "privacy_request", "Yes, it's on Qingnian Road", "privacy"),
    ("en", "privacy_request", "It's number 17 on that road", "privacy"),
    # outcomes beyond the agent's authority
    ("zh", "refund_delay", "我保证明天钱就到账", "unauthorized_promise"),
    ("zh", "refund_delay", "给您打包票，今天一定退回来", "unauthorized_promise"),
    ("zh", "return_approval", "不用等主管了，我做主直接给您批了", "unauthorized_promise"),
    ("zh", "vip_customer", "今晚之前肯定给您送到", "promise_arrival"),
    ("zh", "b2b_client", "下次采购给您优惠", "unauthorized_promise"),
    ("zh", "rude_agent", "那个客服我保证让他这个月就走人", "unauthorized_promise"),
    (
        "en",
        "refund_delay",
        "I guarantee the money will be back on your card by tomorrow",
        "unauthorized_promise",
    ),
    ("en", "refund_delay", "You will definitely get a full refund today", "unauthorized_promise"),
    (
        "en",
        "beyond_authority",
        "Don't worry about the 500, I'll make sure it's paid to you, you have my word",
        "unauthorized_promise",
    ),
    (
        "en",
        "repeat_complaint",
        "I promise the technician will have it fixed tomorrow",
        "unauthorized_promise",
    ),
    # near misses: not fatal
    ("zh", "refund_delay", "我一定帮您跟进退款进度", None),
    ("zh", "refund_delay", "我向您保证，一定盯着财务把这事跟到底", None),
    ("zh", "refund_delay", "送达时间我现在没办法跟您打包票", None),
    ("zh", "refund_delay", "打您尾号1234的手机可以吗", None),
    ("zh", "refund_delay", "我们不会向您索要密码或验证码", None),
    ("zh", "refund_delay", "请不要把验证码告诉任何人", None),
    ("zh", "privacy_request", "为了保证您的信息安全，我们不能透露地址", None),
    ("zh", "refund_delay", "订单A20240518，退款299元，对吗？", None),
    ("en", "refund_delay", "I promise to chase your refund personally", None),
    ("en", "refund_delay", "I can't guarantee a date, but I'll push finance today", None),
    ("en", "refund_delay", "We will never ask for your PIN or password", None),
    ("en", "refund_delay", "Is that the number ending in 1234?", None),
]


@pytest.mark.parametrize(
    ("lang", "scenario", "text", "rule"), RED_LINES, ids=[r[2] for r in RED_LINES]
)
def test_red_lines(
    bundled: ContentLibrary,
    context: Context,
    lang: str,
    scenario: str,
    text: str,
    rule: str | None,
) -> None:
    record = run_of(bundled, context, scenario, lang).say(text)
    fatal = [violation.rule for violation in record.violations if violation.fatal]
    if rule is None:
        assert fatal == []
    else:
        assert rule in fatal


def test_the_red_line_table_is_broad() -> None:
    assert len(RED_LINES) >= 40
    assert sum(1 for *_, rule in RED_LINES if rule is None) >= 10


# (original, normalised): traditional characters, spoken digits, dates, widths
NORMALISATION_CASES = [
    ("工號1024", "工号1024"),
    ("我會給您回電", "我会给您回电"),
    ("真是對不住", "真是对不住"),
    ("下午五點之前", "下午5点之前"),
    ("一三八零零零零一二三四", "13800001234"),
    ("幺三八", "138"),
    ("幺三七、八七六五", "137、8765"),
    ("one three eight zero", "1380"),
    ("5月18号", "5月18日"),
    ("11月2号下的单", "11月2日下的单"),
    ("我是3号客服", "我是3号客服"),
    ("两个小时内", "2个小时内"),
    ("一定", "一定"),
    ("Ｉ’ＬＬ　ＣＡＬＬ", "i'll call"),
]


@pytest.mark.parametrize(("original", "normalised"), NORMALISATION_CASES)
def test_normalisation(original: str, normalised: str) -> None:
    result = normalise(original)
    assert result.text == normalised
    assert result.excerpt(0, len(result.text)) == original  # the way back to the words


# (lang, text, phrase list, whether a live hit remains): negation in its clause, both sides
NEGATION_CASES = [
    ("zh", "钱一直没到账真是抱歉", "apology", True),
    ("zh", "没到账，抱歉", "apology", True),
    ("zh", "我不会向您道歉", "apology", False),
    ("zh", "我不能跟您说一句对不起", "apology", False),
    ("zh", "这个订单取消不了", "action", False),
    ("zh", "退款查不到", "check", False),
    ("zh", "我没办法跟您打包票", "overpromise", False),
    ("zh", "保证是保证不了的", "overpromise", False),
    ("zh", "我们不会给您回电", "callback", False),
    ("zh", "我们不会索要您的密码", "ask_secret", False),
    ("zh", "请不要把验证码告诉任何人", "ask_secret", False),
    ("zh", "不用担心，我马上查", "check", True),
    ("en", "I'm not going to apologise", "apology", False),
    ("en", "I am not able to check that", "check", False),
    ("en", "I'm not sure why, but I'm sorry", "apology", True),
    ("en", "It's not your fault and I'm sorry", "apology", True),
    ("en", "I can't guarantee the date", "overpromise", False),
    ("en", "We will never ask for your PIN", "ask_secret", False),
    ("en", "A refund isn't possible", "action", False),
]


@pytest.mark.parametrize(
    ("lang", "text", "phrases", "hit"), NEGATION_CASES, ids=[c[1] for c in NEGATION_CASES]
)
def test_negation_in_context(
    bundled: ContentLibrary, context: Context, lang: str, text: str, phrases: str, hit: bool
) -> None:
    run = run_of(bundled, context, "refund_delay", lang)
    reply = run.matcher.analyse(text)
    assert (run.matcher.first(reply, [f"@{phrases}"]) is not None) is hit


# (lang, the reply at refund_delay's first turn, the guard that must stop its credit)
GAMING_TURNS = [
    ("zh", "抱歉 对不起 不好意思 理解您 跟您确认 对吗", "guard_keywords"),
    ("zh", "抱歉，对不起，不好意思，理解您，跟您确认，对吗", "guard_keywords"),
    (
        "en",
        "sorry apologies understand frustrating confirm ticket call back 5pm thanks goodbye",
        "guard_keywords",
    ),
    ("zh", "嗯" * 700 + "非常抱歉，我理解您", "guard_too_long"),
    (
        "zh",
        "你们到底怎么回事？退款都十天了还没到账，上次打电话也说等等，等到现在！",
        "guard_copied",
    ),
    (
        "zh",
        "您好，星河电商客服，工号1024。非常抱歉，理解您，跟您确认一下，我马上处理，17点前回电，感谢来电再见",
        "guard_all_purpose",
    ),
    (
        "zh",
        "我跟您讲个事，上个月我邻居的快递也丢了，人家客服跟她说抱歉，派单以后1小时内给她回电",
        "guard_story",
    ),
    (
        "zh",
        "说起来我们公司成立也有好些年头了，最早的时候只是一个很小的团队，在一间不到五十平米的办公室里，大家挤在一起，夏天没有空调，冬天没有暖气，每个人都身兼数职，白天跑业务晚上写方案，后来慢慢壮大",
        "guard_off_topic",
    ),
]


@pytest.mark.parametrize(("lang", "text", "guard"), GAMING_TURNS, ids=[g[2] for g in GAMING_TURNS])
def test_gaming_turns_earn_nothing(
    bundled: ContentLibrary, context: Context, lang: str, text: str, guard: str
) -> None:
    run = run_of(bundled, context, "refund_delay", lang)
    record = run.say(text)
    assert record.guard is not None and record.guard.key == guard
    assert [e for e in record.evidence if e.points > 0] == []
    assert all(score.score == 0 for score in run.scorecard().steps.values())


def test_the_same_reply_again_earns_nothing(bundled: ContentLibrary, context: Context) -> None:
    run = run_of(bundled, context, "refund_delay", "zh")
    first = run.say("您好，星河电商客服，工号1024。非常抱歉让您久等了，我马上帮您查退款。")
    assert first.guard is None
    run.pick(1)
    again = run.say("您好，星河电商客服，工号1024。非常抱歉让您久等了，我马上帮您查退款。")
    assert again.guard is not None and again.guard.key == "guard_repeated"


def test_a_natural_good_call_passes_in_its_own_words(
    bundled: ContentLibrary, context: Context
) -> None:
    scenario = bundled.scenario("refund_delay")
    assert scenario is not None
    from trainer.content.models import ScriptTurn

    turns = [
        ScriptTurn(say="您好，星河电商，我是1024号。退款拖了十天还让您再跑一趟，真是对不住。"),
        ScriptTurn(pick=1),
        ScriptTurn(say="我这就给财务那边提个加急，今天下午五点之前我打给您说结果。"),
        ScriptTurn(
            say="那就这样，加急已经提了，五点前回您电话。您看还有别的要帮忙的吗？谢谢您，再见。"
        ),
    ]
    card = score_transcript(scenario, turns, "zh", context)
    assert card.passed and card.total >= 85
    apology = card.steps["apologize"].evidence
    assert apology and apology[0].text == "对不住"  # the act and the words behind the points


def test_penalties_per_turn_are_capped(bundled: ContentLibrary, context: Context) -> None:
    run = run_of(bundled, context, "refund_delay", "zh")
    run.say("不知道，不清楚，不晓得，不知道，不清楚，不知道，这不归我管，不是我的问题")
    card = run.scorecard()
    assert len(card.violations) >= 4
    assert card.penalties == 10


def test_the_bundled_corpus_meets_the_calibration_goals(
    bundled: ContentLibrary, context: Context
) -> None:
    corpus = [bundled_calibration_dir()]
    library = corpus_library([bundled_content_root()], bundled, corpus)
    assert library.problems == [] and golden_problems(library) == []  # its own scenarios too
    assert len(library.scenarios) > len(bundled.scenarios)
    report = calibrate(corpus, library.scenario, Context(library.lexicon, library.standard))
    assert report.problems == []
    assert len(report.scored) >= 200
    assert sum(1 for r in report.scored if r.case.lang == "en") >= 60
    assert {r.case.family for r in report.scored} == {"good", "gaming", "subtle"}
    assert report.mean_difference <= 8
    assert report.correlation >= 0.9
    assert report.share(report.false_negatives, report.good) <= 0.05
    assert report.share(report.false_positives, report.poor) <= 0.03
    assert len(report.red_lines_caught) == len(report.red_lines) > 0
    assert report.met


def test_calibration_reports_a_case_that_cannot_be_read(
    bundled: ContentLibrary, context: Context, tmp_path: Path
) -> None:
    (tmp_path / "cases.yaml").write_text(
        "cases:\n"
        "  - scenario: refund_delay\n"
        "    turns: [{say: 您好}]\n"
        "    judgment: {total: 140}\n"
        "  - scenario: refund_delay\n"
        "    lang: zh\n"
        "    turns: [{say: 您好}]\n"
        "    judgment: {total: 10}\n",
        encoding="utf-8",
    )
    cases, problems = load_cases(tmp_path / "cases.yaml")
    assert len(cases) == 1 and cases[0][0] == "cases#2"
    assert len(problems) == 1 and "cases.yaml:4" in problems[0]
    report = calibrate([tmp_path], bundled.scenario, context)
    assert not report.met


def test_pearson() -> None:
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) == 0.0
