"""Prose across sentences: applications stay the subject of the next sentence's verb.

Pre-2019 reports state the year's requests in one sentence and their handling in the next
("共受理…申请56件。已答复56件，其中同意公开40件…"); the second sentence names no thing.
"""

from pipelines.extract import extract_bytes
from pipelines.extract.prose import compact, read_prose


def _figures(text: str) -> dict:
    return {f.key: f.value for f in read_prose(compact(text)).figures}


def test_the_next_sentence_answers_the_applications():
    got = _figures("2012年，共受理政府信息公开申请56件。"
                   "已答复56件，其中同意公开40件，同意部分公开6件。")
    assert got["applications.total_processed.total"] == 56
    assert got["applications.granted.total"] == 40


def test_only_a_handling_verb_in_件_continues_the_subject():
    # published items, petitions and enquiries in the next sentence are not applications
    assert "applications.total_processed.total" not in _figures(
        "共受理政府信息公开申请56件。全年办理群众来信来访120件。")
    assert _figures("共受理政府信息公开申请5件。主动公开907条。") == {
        "headline.applications_received": 5, "headline.items_published": 907}
    assert "applications.total_processed.total" not in _figures(
        "共受理政府信息公开申请5件。全年发布信息12条。办结率100%。")


def test_a_prose_only_pre2019_report_fills_table_keys():
    text = ("某市人民政府2012年政府信息公开工作年度报告\n三、依申请公开政府信息情况\n"
            "2012年，共受理政府信息公开申请56件。已答复56件，其中同意公开40件，"
            "同意部分公开6件，不予公开3件。\n四、收费情况\n2012年未收取任何费用。\n")
    ex = extract_bytes(text.encode(), "r.txt")
    assert ex.template == "pre2019"
    assert ex.values["applications.new_received.total"] == 56
    assert ex.values["applications.total_processed.total"] == 56
    assert ex.values["applications.denied.total"] == 3
    assert (ex.values["headline.fees_yuan"], ex.cells["headline.fees_yuan"]) == (0, "text")


def test_channels_of_applications_in_a_pre2019_report():
    text = ("某县2013年政府信息公开工作年度报告\n2013年，共受理政府信息公开申请9件，"
            "其中信函、传真申请4件，电子邮件申请3件，当面申请2件。\n")
    ex = extract_bytes(text.encode(), "r.txt")
    assert ex.template == "pre2019"
    assert ex.values["applications.channel.letter_fax"] == 4
    assert ex.values["applications.channel.email"] == 3
    assert ex.values["applications.channel.in_person"] == 2
    later = extract_bytes(text.replace("2013", "2021").encode(), "r.txt")
    assert not any(k.startswith("applications.channel.") for k in later.values)
    assert later.values["headline.applications_received"] == 9


def test_organisations_as_a_group_are_not_the_other_column():
    # 法人或其他组织 is the template's group of five columns; 其他组织 inside it is not 其他
    got = _figures("依申请公开共计受理21件，其中自然人申请18件，法人或其他组织申请3件。")
    assert got["applications.new_received.natural_person"] == 18
    assert "applications.new_received.other_org" not in got
    got = _figures("共收到政府信息公开申请18件，其中，自然人15件，商业企业2件，其他组织1件。")
    assert got["applications.new_received.other_org"] == 1


def test_channels_named_before_a_total_leave_it_the_total():
    got = _figures("全年共收到通过信函、网络提交的政府信息公开申请共计20件，"
                   "其中网上申请15件，信函申请5件。")
    assert got["headline.applications_received"] == 20
    text = "某县2014年政府信息公开工作年度报告\n" + (
        "全年共收到通过信函、网络提交的政府信息公开申请共计20件，其中网上申请15件，信函申请5件。")
    ex = extract_bytes(text.encode(), "r.txt")
    assert ex.values["applications.new_received.total"] == 20
    assert (ex.values["applications.channel.online"], ex.values["applications.channel.letter"]) \
        == (15, 5)
