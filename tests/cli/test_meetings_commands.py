"""``duban meetings``: record a meeting and a decision from the command line, the decision is a
task of the decisions plan (``duban status``), the agenda and the yearly check."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import cli, copy_home


def test_record_decide_agenda_and_check(published_home: Path, tmp_path: Path) -> None:
    run = cli(copy_home(published_home, tmp_path))
    added = run("meetings", "add", "--date", "2021-03-05", "--convener", "副市长王某",
                "--attendee", "市教育局", "--attendee", "市人社局")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "1\t第1次联席会议"
    decided = run("meetings", "decide", "1", "--text", "建成公共实训基地", "--lead", "市教育局",
                  "--coop", "市财政局", "--deadline", "2021-06-30")  # fmt: skip
    assert decided.returncode == 0, decided.stderr
    assert "1-1" in decided.stdout
    status = run("status", "--plan", "2", "--as-of", "2021-07-05", "--json")
    assert status.returncode == 0, status.stderr
    assert '"number": "1-1"' in status.stdout and '"overdue"' in status.stdout
    agenda = run("meetings", "agenda", "--as-of", "2021-07-05")
    assert (
        "研究逾期未落实的前次会议议定事项：1-1. 建成公共实训基地（中卫市教育局）" in agenda.stdout
    )
    listed = run("meetings", "list")
    assert "第1次联席会议" in listed.stdout
    on_track = run("meetings", "check", "--as-of", "2021-09-01")
    assert on_track.returncode == 0 and "符合序时要求" in on_track.stdout
    missed = run("meetings", "check", "--as-of", "2022-01-10")
    assert (
        missed.returncode == 1 and "2021年召开联席会议1次，未达到每年至少2次的要求" in missed.stdout
    )


def test_an_unknown_unit_is_refused_with_exit_2(published_home: Path, tmp_path: Path) -> None:
    run = cli(copy_home(published_home, tmp_path))
    done = run(
        "meetings", "add", "--date", "2021-03-05", "--convener", "王某", "--attendee", "火星局"
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "duban: 参会单位“火星局”不在单位名录中"


def test_minutes_circulate_are_signed_on_paper_and_a_mistaken_meeting_is_deleted(
    published_home: Path, tmp_path: Path
) -> None:
    run = cli(copy_home(published_home, tmp_path))
    for _ in range(2):
        run("meetings", "add", "--date", "2021-03-05", "--convener", "王某",
            "--attendee", "市教育局", "--minutes", "纪要")  # fmt: skip
    paper = ("meetings", "sign-paper", "1", "--unit", "市教育局", "--signer", "李局长",
             "--date", "2021-03-06")  # fmt: skip
    early = run(*paper)
    assert early.returncode == 2 and early.stderr.strip() == (
        "duban: 第1次联席会议的纪要不在会签中，不能登记会签"
    )
    sent = run("meetings", "circulate", "1", "--date", "2021-03-06")
    assert sent.returncode == 0 and "第1次联席会议的纪要已送会签" in sent.stdout
    scan = tmp_path / "签字页.pdf"
    scan.write_bytes(b"%PDF-1.4 signed page")
    signed = run(*paper, "--scan", scan)
    assert signed.returncode == 0, signed.stderr
    assert "已登记纸质会签：市教育局（签字人 李局长，2021-03-06）" in signed.stdout
    assert "已会签" in run("meetings", "list").stdout
    kept = run("meetings", "delete", "1", "--reason", "误录")
    assert kept.returncode == 2 and "已有单位会签（中卫市教育局）" in kept.stderr
    deleted = run("meetings", "delete", "2", "--reason", "重复登记")
    assert deleted.returncode == 0, deleted.stderr
    assert "已删除第2次联席会议" in deleted.stdout
    again = run("meetings", "delete", "2", "--reason", "重复登记")
    assert again.returncode == 2 and "没有编号为 2 的联席会议" in again.stderr
    missing = run(*paper[:2], "1", "--unit", "市人社局", "--signer", "王", "--date", "2021-03-07",
                  "--scan", tmp_path / "none.pdf")  # fmt: skip
    assert missing.returncode == 2 and "无法读取扫描件" in missing.stderr
