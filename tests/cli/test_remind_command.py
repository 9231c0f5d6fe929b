"""``duban remind`` as cron runs it: real SMTP and HTTP servers, exit codes that tell the story."""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.cli.conftest import Run, cli, copy_home
from tests.remind_servers import free_port, http_receiver, smtp_server

Smtp = tuple[int, list[EmailMessage]]


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def remind(
    published_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp: Smtp
) -> Run:
    """The CLI on a copy of the published home, mailing through the local SMTP server."""
    monkeypatch.setenv("DUBAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DUBAN_SMTP_PORT", str(smtp[0]))
    monkeypatch.setenv("DUBAN_REMIND_TIMEOUT", "5")
    return cli(copy_home(published_home, tmp_path), cwd=tmp_path)


def test_channels_add_list_remove(remind: Run) -> None:
    added = remind("remind", "channels", "add", "hy-gov", "email", "clerk@hy.test")
    assert added.returncode == 0 and "已添加提醒渠道 1" in added.stdout
    robot = "https://oapi.dingtalk.com/robot/send?access_token=x"
    signed = remind("remind", "channels", "add", "hy-gov", "dingtalk", robot, "--secret", "SECx")
    assert signed.returncode == 0, signed.stderr
    listed = json.loads(remind("remind", "channels", "list", "--json").stdout)
    assert [(c["kind"], c["secret_set"]) for c in listed] == [("email", False), ("dingtalk", True)]
    assert "SECx" not in json.dumps(listed)
    assert remind("remind", "channels", "remove", "1").returncode == 0
    assert len(json.loads(remind("remind", "channels", "list", "--json").stdout)) == 1


def test_bad_channel_exits_2_with_the_reason(remind: Run) -> None:
    bad = remind("remind", "channels", "add", "hy-gov", "sms", "13800000000")
    assert bad.returncode == 2 and "渠道类型“sms”无效" in bad.stderr
    assert "Traceback" not in bad.stderr
    gone = remind("remind", "channels", "remove", "99")
    assert gone.returncode == 2 and "没有编号为 99 的提醒渠道" in gone.stderr
    date = remind("remind", "--as-of", "2021-13-01")
    assert date.returncode == 2 and "--as-of" in date.stderr
    nobody = remind("remind", "--unit", "nowhere", "--dry-run")
    assert nobody.returncode == 2 and "没有 key 为“nowhere”的单位" in nobody.stderr


def test_dry_run_prints_digests_and_sends_nothing(remind: Run, smtp: Smtp) -> None:
    remind("remind", "channels", "add", "hy-gov", "email", "clerk@hy.test")
    done = remind("remind", "--as-of", "2021-07-20", "--dry-run", "--unit", "hy-gov")
    assert done.returncode == 0, done.stderr
    assert "【督办提醒】海原县人民政府：已逾期1项" in done.stdout
    assert (
        "任务17（牵头）：完善企业职工在岗教育培训体系 —— 完成时限2021年6月30日，已逾期20天"
        in done.stdout
    )
    assert "将发送 1 份" in done.stdout
    assert smtp[1] == []
    again = json.loads(remind("remind", "--as-of", "2021-07-20", "--json").stdout)
    assert (again["sent"], again["failed"], again["period"]) == (1, 0, "2021-W29")  # not spent


def test_run_sends_once_and_a_failure_exits_1_until_it_goes_through(
    remind: Run, smtp: Smtp, tmp_path: Path
) -> None:
    with http_receiver() as receiver:
        channels = tmp_path / "channels.yaml"
        channels.write_text(
            f"hy-gov:\n  - {{kind: email, target: clerk@hy.test}}\n"
            f"zn-gov:\n  - {{kind: webhook, target: '{receiver.url}/zn'}}\n",
            encoding="utf-8",
        )
        loaded = remind("remind", "channels", "load", channels)
        assert loaded.returncode == 0 and "已添加 2 个渠道" in loaded.stdout
        receiver.failing.add("/zn")
        first = remind("remind", "--as-of", "2021-07-20")
        assert first.returncode == 1
        assert "已发送 1 份，失败 1 份，跳过 0 份" in first.stdout
        assert "发送失败：中宁县人民政府 webhook" in first.stderr and "HTTP 500" in first.stderr
        failures = remind("remind", "channels", "failures")
        assert "中宁县人民政府" in failures.stdout and "尝试1次" in failures.stdout

        receiver.failing.clear()
        second = remind("remind", "--as-of", "2021-07-21")
        assert second.returncode == 0, second.stderr
        assert "已发送 1 份，失败 0 份，跳过 1 份" in second.stdout
        third = remind("remind", "--as-of", "2021-07-21")
        assert third.returncode == 0 and "已发送 0 份，失败 0 份，跳过 2 份" in third.stdout
        assert len(receiver.on("/zn")) == 2
    assert len(smtp[1]) == 1 and "海原县人民政府" in smtp[1][0]["Subject"]
    assert "没有未送达的提醒" in remind("remind", "channels", "failures").stdout


def test_closed_smtp_port_is_a_failure_not_a_crash(
    published_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUBAN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DUBAN_SMTP_PORT", str(free_port()))
    run = cli(copy_home(published_home, tmp_path), cwd=tmp_path)
    run("remind", "channels", "add", "hy-gov", "email", "clerk@hy.test")
    done = run("remind", "--as-of", "2021-07-20")
    assert done.returncode == 1 and "失败 1 份" in done.stdout
    assert "Traceback" not in done.stderr
