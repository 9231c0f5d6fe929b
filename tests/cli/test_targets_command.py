"""Binding targets to indicators from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from subprocess import CompletedProcess

Run = Callable[..., CompletedProcess[str]]


def test_list_bind_every_proposal_and_refuse_a_unit_mismatch(duban: Run) -> None:
    listed = json.loads(duban("targets", "--json").stdout)
    double = next(t for t in listed if "双师型" in t["metric"])
    assert (double["indicator"], double["proposed"]) == (None, "double_qualified_share")
    auto = duban("targets", "bind", "--auto")
    assert auto.returncode == 0 and "双师型教师占专业教师比例" in auto.stdout
    bound = {t["id"]: t for t in json.loads(duban("targets", "--json").stdout)}
    assert bound[double["id"]]["indicator"] == "double_qualified_share"
    count_target = next(t for t in listed if t["goal"].endswith("个"))
    refused = duban("targets", "bind", str(count_target["id"]), "double_qualified_share")
    assert refused.returncode == 2 and "不能绑定" in refused.stderr
    assert duban("targets", "bind", str(double["id"]), "--unbind").returncode == 0
    after = {t["id"]: t for t in json.loads(duban("targets", "--json").stdout)}
    assert after[double["id"]]["indicator"] is None
    assert duban("targets", "bind", "99999", "nothing").returncode == 2
