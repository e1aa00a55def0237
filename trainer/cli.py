"""The `trainer` command: starts the app, or runs one task from the shell.

    trainer [--data DIR] [--content DIR ...] [--lang zh|en] [--demo]    start the app
    trainer validate [PATH ...]                                         check content
    trainer roleplay score SCENARIO TRANSCRIPT [--json]                 score a role-play
    trainer roleplay calibrate [PATH ...] [--json]                      scoring vs reviewers
    trainer certificate issue|export|revoke, trainer verify CODE        certificates
    trainer mentor assign, trainer report mentor MENTOR -o FILE.pdf     mentoring
    trainer report learners -o FILE.xlsx, trainer report cohort C -o F  gradebook, cohorts
    trainer stats [BANK] [--json]                                       item analysis
    trainer import FILE -o BANK.yaml, trainer export BANK -o FILE       GIFT, Aiken, xlsx, csv
    trainer user add|edit|list|import|log|passwd|deactivate|remove     manage people
    trainer demo [--data DIR]                                           build the demo
    trainer db upgrade, trainer db copy --from-folder DIR               PostgreSQL

Modules a command does not need (the UI, the content models) are imported inside the
commands that use them, so every command, and the app's start, stays quick.

Every message comes from the catalogs in the language of the settings (`--lang`). Errors a
person can cause end with one sentence and exit status 1 or 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len

from trainer import __version__, locations
from trainer.errors import TrainerError
from trainer.i18n import Translator
from trainer.numbers import figure
from trainer.services.context import open_context
from trainer.settings import ENV_PREFIX, Settings, SettingsError, load_settings, settings_file

if TYPE_CHECKING:
    from trainer.storage.records import Person


class CommandError(Exception):
    """Ends a command with one sentence (already translated) and an exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


_FORCE_HELP = "replace an existing file / 覆盖已有文件"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trainer",
        description="Customer-service training and certification / 客服培训与认证",
    )
    parser.add_argument("--version", action="version", version=f"trainer {__version__}")
    parser.add_argument("--data", type=Path, help="data folder / 数据文件夹")
    parser.add_argument(
        "--content",
        type=Path,
        action="append",
        default=[],
        help="extra content root, repeatable / 额外的内容根目录，可重复",
    )
    parser.add_argument("--lang", choices=["zh", "en"], help="language / 界面语言")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="PostgreSQL database instead of the data folder's files / 使用 PostgreSQL 数据库",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start on the demo organisation (built on first use) / 使用演示机构",
    )
    # set by `trainer serve` for each browser session: no first-run setup in a browser
    parser.add_argument("--served", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    exam = commands.add_parser("exam", help="theory exams / 理论考试")
    exam_commands = exam.add_subparsers(dest="exam_command", metavar="ACTION", required=True)
    preview = exam_commands.add_parser("preview", help="the paper a seed draws / 预览试卷")
    preview.add_argument("track")
    preview.add_argument("--seed", type=int, default=0)
    preview.add_argument("--json", action="store_true")

    roleplay = commands.add_parser("roleplay", help="complaint role-plays / 投诉情景演练")
    roleplay_commands = roleplay.add_subparsers(
        dest="roleplay_command", metavar="ACTION", required=True
    )
    score = roleplay_commands.add_parser(
        "score", help="score a transcript without the app / 为对话脚本评分"
    )
    score.add_argument("scenario", metavar="SCENARIO", help="scenario id or file / 场景 id 或文件")
    score.add_argument("transcript", type=Path, metavar="TRANSCRIPT")
    score.add_argument("--json", action="store_true")
    play = roleplay_commands.add_parser(
        "play", help="play a scenario at the terminal, nothing stored / 在终端试玩场景"
    )
    play.add_argument("scenario", metavar="SCENARIO", help="scenario id or file / 场景 id 或文件")
    play.add_argument("--save", type=Path, help="write the call as a transcript / 保存对话脚本")
    play.add_argument("--force", action="store_true", help=_FORCE_HELP)
    calibrate = roleplay_commands.add_parser(
        "calibrate",
        help="measure scoring against reviewer-judged transcripts / 用评审判定的对话校准评分",
    )
    calibrate.add_argument(
        "paths",
        type=Path,
        nargs="*",
        metavar="PATH",
        help="case files or folders / 案例文件或文件夹",
    )
    calibrate.add_argument("--json", action="store_true")

    library = commands.add_parser("library", help="the call library / 通话库")
    library_commands = library.add_subparsers(
        dest="library_command", metavar="ACTION", required=True
    )
    library_list = library_commands.add_parser("list", help="list the calls / 列出通话")
    library_list.add_argument("--json", action="store_true")
    review = commands.add_parser("review", help="call reviews / 通话质检")
    review_commands = review.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    review_score = review_commands.add_parser(
        "score", help="score a review against the reference / 对照参考评分"
    )
    review_score.add_argument("call", metavar="CALL", help="call id / 通话 id")
    review_score.add_argument("review", type=Path, metavar="REVIEW.yaml")
    review_score.add_argument("--json", action="store_true")

    certificate = commands.add_parser("certificate", help="certificates / 证书")
    certificate_commands = certificate.add_subparsers(
        dest="certificate_command", metavar="ACTION", required=True
    )
    issue = certificate_commands.add_parser("issue", help="issue to someone who passed / 颁发")
    issue.add_argument("person")
    issue.add_argument("track")
    issue.add_argument("-o", "--output", type=Path, help="write the PDF here / 保存 PDF")
    issue.add_argument("--force", action="store_true", help=_FORCE_HELP)
    export = certificate_commands.add_parser("export", help="all current PDFs as a zip / 导出")
    export.add_argument("--track")
    export.add_argument("-o", "--output", type=Path, required=True)
    export.add_argument("--force", action="store_true", help=_FORCE_HELP)
    revoke = certificate_commands.add_parser("revoke", help="revoke a certificate / 吊销")
    revoke.add_argument("code")
    revoke.add_argument("--reason", required=True)
    verify = commands.add_parser("verify", help="check a certificate code / 验证证书")
    verify.add_argument("code")
    verify.add_argument("--pdf", type=Path, help="also check that this file is the one issued")

    mentor = commands.add_parser("mentor", help="mentorships / 导师带教")
    mentor_commands = mentor.add_subparsers(dest="mentor_command", metavar="ACTION", required=True)
    assign = mentor_commands.add_parser("assign", help="assign a mentor / 分配导师")
    assign.add_argument("mentor")
    assign.add_argument("mentee")
    assign.add_argument("--days", type=int, help="length, 1-365 (default: the track's, or 30)")
    assign.add_argument("--start", help="YYYY-MM-DD, within a year of today (default: today)")
    report = commands.add_parser("report", help="progress reports / 进度报告")
    report_commands = report.add_subparsers(dest="report_command", metavar="KIND", required=True)
    mentor_report = report_commands.add_parser("mentor", help="a mentor's mentees / 导师报告")
    mentor_report.add_argument("mentor")
    mentor_report.add_argument("--mentee", help="one mentee only / 仅一名学员")
    mentor_report.add_argument("-o", "--output", type=Path, help="PDF file")
    mentor_report.add_argument("--csv", dest="csv_file", type=Path, help="CSV file")
    mentor_report.add_argument("--force", action="store_true", help=_FORCE_HELP)
    learners_report = report_commands.add_parser("learners", help="the gradebook / 成绩册")
    learners_report.add_argument("--track", help="one track only / 仅一个培训路径")
    learners_report.add_argument("--team", help="one team only / 仅一个小组")
    learners_report.add_argument("--cohort", help="one cohort only / 仅一个批次")
    learners_report.add_argument(
        "--status", choices=("not_started", "in_progress", "passed", "certified")
    )
    learners_report.add_argument(
        "-o", "--output", type=Path, required=True, help=".xlsx, .csv or .pdf"
    )
    learners_report.add_argument("--force", action="store_true", help=_FORCE_HELP)
    cohort_report = report_commands.add_parser("cohort", help="a cohort's dashboard / 批次看板")
    cohort_report.add_argument("cohort")
    cohort_report.add_argument("--track", help="one track only / 仅一个培训路径")
    cohort_report.add_argument("-o", "--output", type=Path, required=True, help="PDF file")
    cohort_report.add_argument("--force", action="store_true", help=_FORCE_HELP)

    stats = commands.add_parser("stats", help="item analysis / 题目分析")
    stats.add_argument("bank", nargs="?", help="one bank only / 仅一个题库")
    stats.add_argument("--json", action="store_true")

    importing = commands.add_parser("import", help="import questions / 导入题目")
    importing.add_argument("source", nargs="?", type=Path, metavar="FILE")
    importing.add_argument(
        "--format", dest="import_format", choices=["gift", "aiken", "moodlexml", "xlsx", "csv"]
    )
    importing.add_argument("-o", "--output", type=Path, help="the bank file to write / 题库文件")
    importing.add_argument("--id", dest="bank_id", help="the bank's id (default: from -o)")
    importing.add_argument("--category", default="imported", help="Aiken's category")
    importing.add_argument("--force", action="store_true", help="overwrite -o or --template / 覆盖")
    importing.add_argument("--template", type=Path, help="write a spreadsheet template / 模板")
    importing.add_argument("--into", metavar="BANK", help="add to this bank / 导入到已有题库")
    importing.add_argument(
        "--replace", action="store_true", help="with --into: replace questions of the same id"
    )
    exporting = commands.add_parser("export", help="export a bank / 导出题库")
    exporting.add_argument("bank")
    exporting.add_argument(
        "--format",
        dest="export_format",
        choices=["gift", "moodlexml", "xlsx", "csv"],
        required=True,
    )
    exporting.add_argument("-o", "--output", type=Path, required=True)
    exporting.add_argument("--force", action="store_true", help=_FORCE_HELP)

    serve = commands.add_parser("serve", help="serve the app to browsers / 通过浏览器访问")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: loopback only)"
    )
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--allow-origin",
        dest="allow_origins",
        action="append",
        default=[],
        metavar="URL",
        help="the reverse proxy's address, e.g. https://training.example.com; repeatable"
        " / 反向代理的地址，可重复",
    )
    serve.add_argument(
        "--max-sessions", type=int, help="browser sessions at once (default 20) / 同时会话数上限"
    )

    validate = commands.add_parser("validate", help="check content files / 校验内容文件")
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH")

    doctor = commands.add_parser(
        "doctor", help="check the data folder, restore backups / 检查数据文件夹、从备份恢复"
    )
    doctor.add_argument(
        "--restore", action="store_true", help="put good backups back / 用完好的备份恢复"
    )
    doctor.add_argument("--yes", action="store_true", help="do not ask / 不再确认")

    database = commands.add_parser("db", help="the PostgreSQL database / PostgreSQL 数据库")
    db_commands = database.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="apply schema migrations / 升级数据库架构")
    copy = db_commands.add_parser("copy", help="copy a data folder in / 从数据文件夹复制")
    copy.add_argument("--from-folder", dest="from_folder", type=Path, required=True)

    demo = commands.add_parser("demo", help="build the demo organisation / 创建演示机构")
    demo.add_argument("--data", dest="demo_data", type=Path, help="demo data folder")

    from trainer.cli_people import add_user_parser

    add_user_parser(commands)
    return parser


def _settings(arguments: argparse.Namespace, tr: Translator) -> Settings:
    data = arguments.data
    if arguments.demo and data is None:
        data = locations.default_demo_dir()
    try:
        return load_settings(
            language=arguments.lang,
            data_dir=data,
            database_url=arguments.database,
            content_roots=arguments.content,
            serve_max_sessions=getattr(arguments, "max_sessions", None),
            serve_allowed_origins=getattr(arguments, "allow_origins", None),
        )
    except SettingsError as error:
        what = tr(error.catalog_key, **error.values)
        if error.source == "environment":
            variable = f"{ENV_PREFIX}{error.name.upper()}"
            raise CommandError(tr("cli.bad_settings_env", name=variable, what=what)) from None
        if error.source == "file":
            raise CommandError(
                tr("cli.bad_settings", file=settings_file(), where=error.name, what=what)
            ) from None
        raise CommandError(what) from None
    except tomllib.TOMLDecodeError as error:
        raise CommandError(
            tr("cli.bad_settings_toml", file=settings_file(), what=str(error))
        ) from None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    tr = Translator(arguments.lang or "zh")
    try:
        settings = _settings(arguments, tr)
        tr = Translator(settings.language)
        return _dispatch(arguments, settings, tr)
    except CommandError as error:
        print(printable_lines(str(error)), file=sys.stderr)
        return error.status
    except TrainerError as error:
        print(tr(error.catalog_key, **_printable_values(error.values)), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader (`| head`) went away: not an error of ours
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python from failing at exit
        return 0


def printable(text: str) -> str:
    """`text` with control characters (escape codes, newlines, NUL) shown as escapes, so
    typed or stored text can never move the cursor or colour the operator's terminal."""
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


def printable_lines(text: str) -> str:
    """`printable` line by line: a message's own line breaks stay."""
    return "\n".join(printable(line) for line in text.split("\n"))


def printable_json(text: str) -> str:
    """JSON text with every unprintable character written as its `\\uXXXX` escape: the same
    data to a program, nothing a terminal acts on."""
    return "".join(
        char if char.isprintable() or char == "\n" else _json_escape(char) for char in text
    )


def _json_escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # beyond the basic plane: JSON writes a UTF-16 surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _printable_values(values: dict[str, Any]) -> dict[str, Any]:
    return {name: printable(v) if isinstance(v, str) else v for name, v in values.items()}


def _dispatch(arguments: argparse.Namespace, settings: Settings, tr: Translator) -> int:
    if arguments.command == "validate":
        return validate_command(settings, arguments.paths, tr)
    if arguments.command == "doctor":  # before anything opens the folder it examines
        from trainer.cli_doctor import doctor_command

        if settings.database_url:
            # PostgreSQL keeps its own consistency and backups (pg_dump): nothing to restore
            raise CommandError(tr("cli.doctor_database"), status=2)

        return doctor_command(settings.data_dir, arguments.restore, arguments.yes, tr)
    if arguments.command == "db":  # before anything opens the store it sets up
        from trainer.cli_database import db_command

        return db_command(
            settings, arguments.db_command, getattr(arguments, "from_folder", None), tr
        )
    if arguments.command == "demo":
        folder = arguments.demo_data or arguments.data or locations.default_demo_dir()
        return demo_command(settings, folder, tr)
    if arguments.command == "exam":
        return exam_preview_command(settings, arguments.track, arguments.seed, arguments.json, tr)
    if arguments.command == "roleplay":
        from trainer.cli_roleplay import (
            RolePlayCommandError,
            roleplay_calibrate_command,
            roleplay_play_command,
            roleplay_score_command,
        )

        try:
            if arguments.roleplay_command == "calibrate":
                return roleplay_calibrate_command(settings, arguments.paths, arguments.json, tr)
            if arguments.roleplay_command == "play":
                return roleplay_play_command(
                    settings, arguments.scenario, arguments.save, arguments.force, tr
                )
            return roleplay_score_command(
                settings, arguments.scenario, arguments.transcript, arguments.json, tr
            )
        except RolePlayCommandError as error:
            print("\n".join(printable(line) for line in error.lines), file=sys.stderr)
            return 1
    if arguments.command in ("library", "review"):
        from trainer import cli_library

        context = open_context(settings)
        if arguments.command == "library":
            return cli_library.library_list(context, arguments.json, tr)
        return cli_library.review_score(
            context, arguments.call, arguments.review, arguments.json, tr
        )
    if arguments.command in ("certificate", "verify"):
        return _certificate_dispatch(arguments, settings, tr)
    if arguments.command == "report" and arguments.report_command in ("learners", "cohort"):
        from trainer import cli_gradebook

        context = open_context(settings)
        if arguments.report_command == "cohort":
            return cli_gradebook.report_cohort(
                context, arguments.cohort, arguments.track, arguments.output, arguments.force, tr
            )
        return cli_gradebook.report_learners(
            context,
            arguments.track,
            arguments.team,
            arguments.cohort,
            arguments.status,
            arguments.output,
            arguments.force,
            tr,
        )
    if arguments.command in ("mentor", "report"):
        from trainer import cli_mentoring

        context = open_context(settings)
        if arguments.command == "mentor":
            return cli_mentoring.mentor_assign(
                context, arguments.mentor, arguments.mentee, arguments.days, arguments.start, tr
            )
        return cli_mentoring.report_mentor(
            context,
            arguments.mentor,
            arguments.mentee,
            arguments.output,
            arguments.csv_file,
            arguments.force,
            tr,
        )
    if arguments.command == "import" and arguments.into is not None:
        from trainer.cli_formats import import_into_command

        return import_into_command(
            open_context(settings),
            arguments.source,
            arguments.import_format,
            arguments.into,
            arguments.replace,
            arguments.category,
            tr,
        )
    if arguments.command == "import":
        from trainer.cli_formats import import_command

        return import_command(
            arguments.source,
            arguments.import_format,
            arguments.output,
            arguments.bank_id,
            arguments.category,
            arguments.force,
            arguments.template,
            tr,
        )
    if arguments.command == "export":
        from trainer.cli_formats import export_command

        return export_command(
            open_context(settings),
            arguments.bank,
            arguments.export_format,
            arguments.output,
            arguments.force,
            tr,
        )
    if arguments.command == "stats":
        return stats_command(settings, arguments.bank, arguments.json, tr)
    if arguments.command == "serve":
        from trainer.cli_serve import serve_command

        return serve_command(settings, arguments.host, arguments.port, tr)
    if arguments.command == "user":
        from trainer.cli_people import user_command

        return user_command(open_context(settings), arguments, tr)
    return run_app(settings, demo=arguments.demo, served=arguments.served, tr=tr)


def _certificate_dispatch(arguments: argparse.Namespace, settings: Settings, tr: Translator) -> int:
    from trainer import cli_certificates

    context = open_context(settings)
    if arguments.command == "verify":
        return cli_certificates.verify(context, arguments.code, arguments.pdf, tr)
    action = arguments.certificate_command
    if action == "issue":
        return cli_certificates.certificate_issue(
            context, arguments.person, arguments.track, arguments.output, arguments.force, tr
        )
    if action == "export":
        return cli_certificates.certificate_export(
            context, arguments.track, arguments.output, arguments.force, tr
        )
    return cli_certificates.certificate_revoke(context, arguments.code, arguments.reason, tr)


def stats_command(settings: Settings, bank: str | None, as_json: bool, tr: Translator) -> int:
    """Item analysis over every counted exam attempt, per question and per exam."""
    from dataclasses import asdict

    from trainer.services.certificates import operator

    context = open_context(settings)
    if bank is not None and context.library.bank(bank) is None:
        raise CommandError(tr("cli.unknown_bank", bank=printable(bank)))
    analysis = context.item_analysis
    questions = analysis.questions(operator(), bank)
    exams = analysis.exams(operator())
    if as_json:
        document = {
            "exams": [asdict(exam) for exam in exams],
            "questions": [asdict(question) for question in questions],
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return 0
    for exam in exams:
        alpha = (
            tr("stats.too_few_attempts", count=exam.attempts)
            if exam.too_few_for_alpha
            else figure(exam.alpha)
        )
        print(
            tr(
                "cli.stats_exam",
                track=exam.track,
                attempts=exam.attempts,
                mean=figure(exam.mean),
                median=figure(exam.median),
                sd=figure(exam.sd),
                alpha=alpha,
            )
        )
    if not questions:
        print(tr("cli.stats_none"))
        return 0
    print(tr("cli.stats_header"))
    for question in questions:
        flags = (
            tr("stats.too_few_answers", count=question.attempts)
            if question.too_few_answers
            else ", ".join(tr(f"stats.flag_{flag}") for flag in question.flags)
        )
        print(
            f"{question.key:<28} {question.attempts:>5} {question.facility:>8.1f}% "
            f"{figure(question.discrimination):>7}%  {flags}"
        )
    return 0


def run_app(settings: Settings, demo: bool, served: bool, tr: Translator) -> int:
    context = open_context(settings)
    context.directory.people()  # a damaged roster is reported here, before the screen takes over
    notice = None
    if demo:
        if context.directory.needs_setup():
            from trainer.services.demo import build_demo

            build_demo(context.store, context.library)
        notice = tr("cli.demo_sign_in", password=locations.DEMO_PASSWORD)
    from trainer.ui.app import make_app

    make_app(context, notice=notice, served=served).run()
    return 0


def exam_preview_command(
    settings: Settings, track_id: str, seed: int, as_json: bool, tr: Translator
) -> int:
    """Print the paper `seed` draws for a track, with the right answers marked."""
    from trainer.services.exams import LARGEST_SEED, draw_paper

    if not 0 <= seed <= LARGEST_SEED:
        raise CommandError(tr("cli.bad_seed", seed=seed, largest=LARGEST_SEED), status=2)
    library = open_context(settings).library
    track = library.track(track_id)
    if track is None:
        raise CommandError(tr("cli.unknown_tracks", tracks=printable(track_id)))
    paper = draw_paper(library, track, seed)
    if as_json:
        print(
            json.dumps({"track": track_id, "seed": seed, "questions": [item.key for item in paper]})
        )
        return 0
    lang = settings.language
    print(tr("cli.preview_title", track=track.title.get(lang), seed=seed, count=len(paper)))
    for number, item in enumerate(paper, start=1):
        question = item.question
        kind = tr(f"question_type.{question.type}")
        print(f"\n{number}. [{item.key}] ({kind}) {question.stem.get(lang)}")
        for line in _answer_lines(item.question, item.order, lang):
            print(f"   {line}")
    return 0


def _answer_lines(question: Any, order: list[int], lang: str) -> list[str]:
    """A question's options in paper order, right ones marked, for a trainer's preview."""
    kind = question.type
    if kind in ("single", "multiple"):
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        lines = []
        for shown, index in enumerate(order):
            option = question.options[index]
            lines.append(
                f"{'*' if option.correct else ' '} {letters[shown]}. {option.text.get(lang)}"
            )
        return lines
    if kind == "true_false":
        return [f"* {question.answer}"]
    if kind == "short_answer":
        return [f"* {answer.text} ({answer.weight:g}%)" for answer in question.answers]
    if kind == "numerical":
        return [
            f"* {answer.value:g} ± {answer.tolerance:g} ({answer.weight:g}%)"
            for answer in question.answers
        ]
    return [
        f"{question.pairs[index].left.get(lang)}  →  {question.pairs[index].right.get(lang)}"
        for index in range(len(question.pairs))
    ]


# ---------------------------------------------------------------- validate


def validate_command(settings: Settings, paths: list[Path], tr: Translator) -> int:
    from trainer.content.loader import content_files, is_content_root, load_library

    roots = settings.all_content_roots()
    given_roots: list[Path] = []
    given_files: list[Path] = []
    for path in paths:
        if is_content_root(path):
            given_roots.append(path)
        elif path.is_file():
            given_files.append(path)
        elif path.is_dir():
            raise CommandError(tr("cli.not_a_root", path=printable(str(path))), status=2)
        else:
            raise CommandError(tr("cli.no_such_path", path=printable(str(path))), status=2)
    from trainer.services.roleplay.golden import golden_problems

    library = load_library(
        [*roots, *(root for root in given_roots if root not in roots)], given_files
    )
    library.problems.extend(golden_problems(library))
    if paths:
        wanted = {file.resolve() for root in given_roots for file in content_files(root)}
        wanted |= {file.resolve() for file in given_files}
        problems = [
            p for p in library.problems if p.path.resolve() in wanted or p.path in given_roots
        ]
    else:
        problems = library.problems
    for problem in sorted(problems, key=lambda p: (str(p.path), p.line)):
        print(problem.render(settings.language))
    if problems:
        files = len({problem.path for problem in problems})
        print(tr("cli.validate_failed", problems=len(problems), files=files), file=sys.stderr)
        return 1
    _print_summary(library.summary(), tr)
    _print_coverage(library, tr)
    _print_golden(library, tr)
    from trainer.services.roleplay.golden import scenario_warnings

    # advice once the content is valid: it never changes the exit status
    advice = scenario_warnings(library)
    if paths:
        advice = [a for a in advice if a.path.resolve() in wanted or a.path in given_roots]
    for warning in sorted(advice, key=lambda p: (str(p.path), p.line)):
        print(warning.render(settings.language))
    return 0


def _print_coverage(library: Any, tr: Translator) -> None:
    """One line a track, then any text that exists in one language only."""
    from trainer.content.coverage import coverage

    found = coverage(library)
    for track in found.tracks:
        print(
            tr(
                "cli.summary_track",
                track=library.track(track.track).title.get(tr.lang),
                modules=len(track.modules),
                lessons=track.lessons,
                questions=track.questions,
                scenarios=len(track.scenarios),
            )
        )
    if found.one_language:
        print(tr("cli.summary_one_language", count=len(found.one_language)))
        for where in found.one_language:
            print(f"  {where}")


def _print_golden(library: Any, tr: Translator) -> None:
    from trainer.services.roleplay.golden import golden_summary

    results = golden_summary(library)
    if results:
        parts = ", ".join(f"{item.scenario} {item.passed}/{item.total}" for item in results)
        print(tr("cli.summary_golden", results=parts))


def _print_summary(summary: dict[str, Any], tr: Translator) -> None:
    print(tr("cli.validate_ok", files=summary["files"]))
    print(
        tr(
            "cli.summary_tracks",
            tracks=summary["tracks"],
            modules=summary["modules"],
            lessons=summary["lessons"],
        )
    )
    types = ", ".join(
        f"{tr(f'question_type.{kind}')} {count}"
        for kind, count in summary["question_types"].items()
    )
    print(
        tr(
            "cli.summary_questions",
            banks=summary["banks"],
            questions=summary["questions"],
            types=types or "-",
        )
    )
    print(tr("cli.summary_scenarios", scenarios=summary["scenarios"], lexicon=summary["lexicon"]))
    if summary["calls"]:
        print(tr("cli.summary_calls", calls=summary["calls"]))
    if summary["quality_reviews"]:
        print(tr("cli.summary_quality_reviews", cases=summary["quality_reviews"]))


# ---------------------------------------------------------------- demo


def demo_command(settings: Settings, folder: Path, tr: Translator) -> int:
    from trainer.services.demo import build_demo

    context = open_context(settings.with_data_dir(folder))
    if context.accounts.needs_setup():
        build_demo(context.store, context.library)
        print(tr("cli.demo_built", path=folder, password=locations.DEMO_PASSWORD))
    else:
        print(tr("cli.demo_exists", path=folder, password=locations.DEMO_PASSWORD))
    for person in context.accounts.people():
        print(_person_row(person, tr))
    print(_demo_start_line(folder, settings.database_url, tr))
    return 0


def _demo_start_line(folder: Path, database_url: str, tr: Translator) -> str:
    """The command that opens this very organisation: `--demo` only names the default demo
    folder, and a database must be named (its password left out: the operator has it)."""
    if database_url:
        from trainer.storage.postgres import redacted

        database = shlex.quote(redacted(database_url))
        return tr(
            "cli.demo_start",
            command=f"trainer --database {database} --data {shlex.quote(str(folder))}",
        )
    if folder.expanduser().resolve() == locations.default_demo_dir().resolve():
        return tr("cli.demo_start_default")
    return tr("cli.demo_start", command=f"trainer --data {shlex.quote(str(folder))}")


def _pad(text: str, width: int) -> str:
    """Pad to `width` terminal columns, counting wide (CJK) characters as two."""
    return text + " " * max(0, width - cell_len(text))


def _person_row(person: Person, tr: Translator) -> str:
    """One line of a people listing: id, name, roles, tracks, team and cohort in aligned
    columns, and whether they are deactivated."""
    roles = tr("home.separator").join(tr(f"role.{role}") for role in person.roles)
    tracks = ", ".join(person.tracks) or "-"
    name, tracks = printable(person.name), printable(tracks)
    row = f"{printable(person.id):<16} {_pad(name, 16)} {_pad(roles, 26)} {_pad(tracks, 20)}"
    place = " / ".join(printable(part) for part in (person.team, person.cohort) if part)
    if place:
        row += f" {place}"
    if not person.active:
        row += f" ({tr('people.deactivated')})"
    return row.rstrip()


# ---------------------------------------------------------------- users
