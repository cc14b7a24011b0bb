"""Document kinds: real work plans, task lists and notices are listed, never read as reports.

The cases are short excerpts of real documents published by government sites (the source is
named on each case), as a scraper of a 政府信息公开 column collects them beside the annual
reports; a few are re-dressed (traditional script, one cell per line) to show the kind does not
depend on the dress. The corpus and the demo's reports must all stay annual reports.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.extract import extract_bytes
from pipelines.extract.kind import classify_document, find_title, title_head
from pipelines.extract.readers import read_bytes

# 新余市人民政府办公室 2023: the cover notice and the plan it carries.
XINYU_2023 = """\
各县（区）人民政府、管委会，市政府各部门、市直相关单位：
《2023年新余市政务公开工作要点》已经市政府同意，现印发给你们，请结合实际认真贯彻落实。
新余市人民政府办公室
2023年8月7日
（此件主动公开）
2023年新余市政务公开工作要点
为进一步深化新余市政务公开工作，提高行政透明度和政府公信力，助力法治政府、服务型政府建设，制定本要点。
一、总体要求
（一）指导思想
坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神，准确把握新时代政务公开新形势新要求。
（二）工作目标
紧紧围绕市委市政府年度重点工作目标任务，扎实推进政务公开标准化规范化建设，依申请公开办理更加规范。
二、紧扣经济发展大局深化公开
"""

# 北京市人民政府办公厅 2016 (京政办发〔2016〕26号).
BEIJING_2016 = """\
北京市人民政府办公厅关于印发《北京市2016年政务公开工作要点》的通知
京政办发〔2016〕26号
各区人民政府，市政府各委、办、局，各市属机构：
《北京市2016年政务公开工作要点》已经市政府同意，现印发给你们，请结合实际认真贯彻落实。
北京市人民政府办公厅
2016年5月28日
一、围绕深化改革推进公开
（一）进一步推进权力清单和责任清单公开
对权力清单进行动态调整，公布2016年版市政府部门权力清单。
"""

# 菏泽市定陶区人民政府办公室 2017: the title broken over three lines.
DINGTAO_2017 = """\
菏泽市定陶区人民政府办公室
关于印发2017年定陶区政务公开
工作要点的通知
菏定政办发〔2017〕26号
各镇人民政府、街道办事处，区政府各部门：
《2017年定陶区政务公开工作要点》已经2017年8月26日区政府第5次常务会议研究通过，现印发给你们，请认真贯彻执行。
2017年定陶区政务公开工作要点
一、围绕稳增长推进政务公开
（一）加强预期引导。
1.加强财政政策、金融政策和就业创业政策信息公开。
"""

# 南昌市红谷滩区 2022: every task followed by its units in brackets.
HONGGUTAN_2022 = """\
2022年红谷滩区政务公开工作要点
根据《国务院办公厅关于印发2022年政务公开工作要点的通知》（国办发〔2022〕8号）等文件精神，结合我区实际，制定本工作要点。
一、总体要求
以习近平新时代中国特色社会主义思想为指导，以公开促发展、以公开保民生，持续抓好政务公开各项工作。
二、目标任务
（一）强化重点领域信息公开
1、数字经济发展领域。集中公开数字经济发展领域的政策规划、亮点举措、工作动态等方面信息。（责任单位：区政府办公室、区政数局、区发改委）
"""

# 信丰县古陂镇 2020.
GUBEI_2020 = """\
古陂镇2020年政务信息公开工作计划
为了进一步推进政务公开工作，增强乡镇工作透明度，促进依法行政，结合我镇实际工作，制定2020年度政务公开工作计划。
一、贯彻落实政务信息公开制度，完善工作机制
切实提高思想认识。深入贯彻落实政务信息公开制度，增强做好政务公开工作和政府信息公开的自觉性和责任感。
二、注重落实政务公开工作的实效
三、建立和完善政务公开规范制度
"""

# 新乡市人民政府办公室 2020, as a mirror site printed it (traditional script).
XINXIANG_2020_TRAD = """\
新鄉市人民政府辦公室關于印發全面推進新鄉市基層政務公開標準化規范化工作實施方案的通知
新政辦〔2020〕23號
各縣（市）、區人民政府，市人民政府各部門：
《全面推進新鄉市基層政務公開標準化規范化工作實施方案》已經市政府同意，現印發給你們，請結合實際認真貫徹落實。
新鄉市人民政府辦公室
2020年6月2日
為貫徹落實《國務院辦公廳關于全面推進基層政務公開標準化規范化工作的指導意見》精神，結合我市實際，特制定本實施方案。
一、目標要求
堅持“應公開、盡公開”原則，全面推進基層政務公開標準化規范化建設。
"""

# 武威市人民政府办公室 2025 (武政办发〔2025〕54号): a notice about compiling reports, which
# names the report's parts and table cells inside its sentences.
WUWEI_2025 = """\
索引号: 12620600MB0523338C/2025-04735 公开方式: 主动公开
发布机构: 信息公开办 组配分类: 武政办发
武威市人民政府办公室关于做好2025年政府信息公开工作年度报告编制和发布工作的通知
发布日期: 2025-12-19 16:05
县、区人民政府，市政府各部门、各单位：
为认真落实《中华人民共和国政府信息公开条例》，高质量做好2025年政府信息公开工作年度报告编制和发布工作，现就有关事项通知如下：
一、规范年报内容。要认真撰写年度报告中的总体情况，按照主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障等方面，梳理本县区本部门2025年度政府信息公开工作完成情况。
二、确保数据准确。会同级司法行政主管部门，认真填写规章、行政规范性文件的本年制发件数、本年废止件数、现行有效件数；准确统计行政许可、行政处罚、行政强制的本年处理决定数量。
"""

# 阿坝州人民政府办公室 2018 (阿府办函〔2018〕21号): the title over three lines.
ABA_2018 = """\
阿坝州人民政府办公室
关于做好2017年政府信息公开工作年度报告
编制和公布工作的通知
阿府办函〔2018〕21号
各县（市）人民政府，州政府各部门、各直属机构，卧龙特别行政区：
按照《中华人民共和国政府信息公开条例》要求，现就做好2017年政府信息公开工作年度报告编制和公布工作有关事项通知如下。
一、切实做好年度报告编制公布工作
各县（市）、各部门要认真总结2017年政府信息公开工作情况，规范编制年度报告。报告内容应包括：一是《条例》第三十二条规定的主动公开、依申请公开等6个方面的工作情况。
"""

# 常州市金坛区 2017 (坛政办发〔2017〕18号), under the site's 信息名称 field.
JINTAN_2017 = """\
当前位置: 政务公开 > 政府部门 > 政府办 > 政府文件 > 政府办公室文件 > 内容
信息名称 区政府办公室关于做好2016年政府信息公开年度报告编制发布工作的通知
索引号 01413881X/2017-00028
区政府办公室关于做好2016年政府信息公开年度报告编制发布工作的通知
坛政办发〔2017〕18号
根据《中华人民共和国政府信息公开条例》和省、市政府相关文件要求，为切实做好2016年政府信息公开年度报告编制和发布工作，现就有关事项通知如下：
一、重视做好年度报告编制发布
二、丰富年度报告内容形式
2016年政府信息公开年度报告应包括以下内容：1.《条例》第三十二条规定的主动公开、依申请公开等6个方面内容；2.工作要点落实情况。
"""

# 凉山州人民政府信息公开办公室 2014 (涼府公開辦函〔2014〕1號), traditional script.
LIANGSHAN_2014_TRAD = """\
涼山州人民政府信息公開辦公室關于做好2013年政府信息公開工作年度報告編制和發布工作的通知
涼府公開辦函〔2014〕1號
各縣市政府辦，州政府各部門：
根據《中華人民共和國政府信息公開條例》規定，各級行政機關應于每年3月31日前公布本行政機關上一年度政府信息公開工作年度報告。為做好2013年政府信息公開工作年度報告的編制和發布工作，現就有關事項通知如下：
一、編制公布年度報告
二、填報統計報表
報送單位：各縣市政府辦、州政府各部門。
"""

# 广东省人民政府办公厅 2010 (粤办函〔2010〕249号): a 通报 on how reports were published.
GUANGDONG_2010 = """\
广东省人民政府办公厅关于2009年政府信息公开工作年度报告编制公布情况的通报
（粤办函〔2010〕249号）
各地级以上市人民政府，省政府各部门、各直属机构：
《中华人民共和国政府信息公开条例》第三十一条规定，各级行政机关应当在每年3月31日前公布本行政机关的政府信息公开工作年度报告。现将有关情况通报如下：
与2009年相比，今年各单位编制公布年度报告的情况有了较大改善，大部分单位都能按时公布年度报告。
"""

# 国务院办公厅政府信息与政务公开办公室 (国办公开办函〔2019〕60号).
GUOBAN_2019 = """\
国务院办公厅政府信息与政务公开办公室
关于政府信息公开工作年度报告
有关事项的通知
国办公开办函〔2019〕60号
各省、自治区、直辖市人民政府办公厅，国务院各部委、各直属机构办公厅（室）：
修订后的《中华人民共和国政府信息公开条例》已于2019年5月15日起施行。现就有关事项通知如下：
一、抓紧部署
"""

# 池州市信访局: a task list as a scraped page prints it, one cell per line.
CHIZHOU_TASKS = """\
工作任务
|
具体要求
|
责任科室
|
时限要求
|
强化行政规范性文件集中规范公开
|
1
|
对行政规范性文件进行全面清理，并向社会公布现行有效行政规范性文件目录。
|
办公室
|
年底前
|
深化政策解读形式
|
2
|
积极做好政策解读工作，持续提升政策解读质量，丰富解读形式。
|
各科室
|
持续推进
|
3
|
严格规范政府信息公开专栏，及时、集中、规范发布法定主动公开内容。
|
各科室
|
持续推进
|
4
|
规范做好政府信息公开工作年度报告编制发布工作，将年度重点工作任务落实情况纳入年报。
|
办公室
|
持续推进
|
"""

# 荆州市 2022 政务公开任务分解责任清单: cover text and the table.
JINGZHOU_2022 = """\
各县、市、区人民政府，荆州经开区，纪南文旅区，荆州高新区，市政府各部门：
根据《国务院办公厅关于印发2022年政务公开工作要点的通知》（国办发〔2022〕8号）要求，结合我市实际，制定了全市2022年政务公开任务分解责任清单，现印发给你们。
附件：2022年政务公开任务分解责任清单
2022年7月25日
2022年政务公开任务分解责任清单
| 工作任务 | 具体要求 | 责任单位 | 时限要求 |
|---|---|---|---|
| 一、以公开助力经济平稳健康发展。 | 1 增强政策文件的透明度 | 市政府各有关部门 | 持续推进 |
| （一）加强涉及市场主体的信息公开。 | 2 开设行业帮扶政策公开专题 | 市政府各有关部门 | 持续推进 |
| | 3 用好营商环境问题投诉、处置、回应机制。 | 市发展改革委牵头 | 持续推进 |
"""

# A 2022 district task table (traditional script, as a mirror printed it), no title.
DISTRICT_2022_TRAD = """\
主要工作任務 | 任務內容 | 完成時限 | 責任單位 |
一、提升重點領域信息公開質量 | 1.做好共同富裕示範先行區行動計劃執行情況信息公開 | 全年 | 區發改局 |
2.加強穩進提質系列政策的集成發布、權威解讀。 | 全年 | 區發改局、區級其他有關部門 |
3.開展項目預算公開試點，推動項目預算安排、使用情況等項目信息向社會公開。 | 12月底前 | 區財政局 |
4.建立健全市場主體反映投資和工程建設項目審批問題的辦理和反饋機制。 | 三季度前 | 區發改局、區住建局 |
"""

# 厦门市集美区 2021 主要任务分解表 (cover text, title, header row).
JIMEI_2021 = """\
各镇、街，各管委会，区直各办、局，各有关单位：
现将《2021年全区政务公开工作主要任务分解表》印发给你们，请认真组织实施。
附件：2021年政务公开工作主要任务分解表
厦门市集美区人民政府办公室
2021年6月29日
2021年政务公开工作主要任务分解表
工作任务 | 工作要求 | 牵头单位 | 责任单位 |
一、紧扣“十四五”开好局起好步，进一步深化政务公开 | | | |
"""

# A progress ledger: the Chizhou tasks with a 进展情况 column (re-dressed: statuses added).
LEDGER_WITH_STATUSES = """\
序号 工作任务 责任单位 完成时限 进展情况
1 对行政规范性文件进行全面清理，并向社会公布现行有效行政规范性文件目录 办公室 年底前 已完成
2 积极做好政策解读工作，持续提升政策解读质量 各科室 持续推进 推进中
3 严格规范政府信息公开专栏，及时发布法定主动公开内容 各科室 持续推进 推进中
4 规范做好政府信息公开工作年度报告编制发布工作 办公室 1月31日前 已完成
"""

# 固镇县 2024: a news item about the reports (names the six parts inside a sentence).
GUZHEN_NEWS = """\
【工作推进】固镇县召开2023年度政府信息公开工作年报编制和发布部署会
发布时间：2024-01-10 18:11 来源：固镇县人民政府
为认真贯彻落实《中华人民共和国政府信息公开条例》，扎实做好政府信息公开工作年度报告编制和数据报送工作，1月9日下午，在县政府五楼会议室召开了2023年度政府信息公开工作年报编制和发布部署会，11家乡镇、37家县直部门、1家企事业单位参加了此次会议。
首先，会上针对政府信息公开年报总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、因政府信息公开被申请行政复议和提起行政诉讼情况、政府信息公开工作存在主要问题及改进情况和其他需要报告的事项六大板块的撰写要求、撰写注意等做了详细指导，其次针对年报撰写、审核以及发布的各个时间节点做出了明确的规定，要求各单位及时报审、公开。
会议强调，政府信息公开工作年度报告，是《中华人民共和国政府信息公开条例》确立的法定监督保障制度，是全面反映政府信息公开工作情况的基本方式，对于改进政府信息公开工作、加强政府自身建设具有重要意义。
"""

# 官渡区 2022: an interpretation of a plan (neither the plan nor a report).
GUANDU_INTERPRETATION = """\
关于《官渡区2022年政务公开工作要点分工方案》的政策解读
一、出台背景
为深入推进2022年官渡区政务公开各项工作，以公开促落实、促提升、强监管，助力全区经济社会持续健康发展，按照国家、省、市关于年度政务公开工作要点安排的有关文件精神，官渡区政府办公室牵头起草《官渡区2022年政务公开工作要点分工方案（征求意见稿）》，经两轮向各街道办事处和区政府各部门征求意见并修改完善，报区政府常务会议审定通过后，以区政府办公室名义于2022年8月5日印发。
二、政策依据
三、主要内容
该方案共包括7方面75项任务，具体为：一是以公开助力经济平稳健康发展，该方面明确了需加强公开的三个领域信息，包括涉及市场主体的、涉及减税降费的、涉及扩大有效投资的信息。二是以公开助力保持社会和谐稳定，该内容围绕公共卫生、稳就业保就业、民生保障三方面明确需重点公开的信息。
"""

# 上海市 2022 年度报告 (its opening) — a report names the six parts in a sentence *and* as headings.
SHANGHAI_2022 = """\
2022年上海市政府信息公开工作年度报告
本年度报告根据《中华人民共和国政府信息公开条例》和《上海市政府信息公开规定》的要求编制，全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、因政府信息公开工作被申请行政复议和提起行政诉讼情况、政府信息公开工作存在的主要问题及改进情况，以及其他需要报告的事项。本年度报告中所列数据统计期限为2022年1月1日至12月31日。
一、总体情况
（一）主动公开方面
2022年，在上海市人民政府网站、《上海市人民政府公报》主动公开市政府规章13件，主动公开市政府和市政府办公厅行政规范性文件42件。
"""

# 清远市清新区人民政府办公室 2022 年度报告 without its title line.
QINGXIN_2022_UNTITLED = """\
根据《中华人民共和国政府信息公开条例》规定，现公布清远市清新区人民政府办公室2022年政府信息公开工作年度报告。本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分组成。
一、总体情况
（一）做好政府信息主动公开工作。全年主动公开政府信息643条，其中行政规范性文件9条，政策解读12条。
（二）政府信息公开申请情况。2022年，区政府办公室共收到26份政府信息依申请公开件。
"""

# A report whose part six lists how the year's plan was carried out, with statuses (the common
# 2021-template habit): still a report.
REPORT_WITH_TASK_TABLE = SHANGHAI_2022 + """\
二、主动公开政府信息情况
三、收到和处理政府信息公开申请情况
六、其他需要报告的事项
序号 工作任务 落实情况
1 对行政规范性文件进行全面清理 已完成
2 积极做好政策解读工作 已完成
3 严格规范政府信息公开专栏 已完成
4 规范做好年度报告编制发布工作 已完成
"""

KIND_CASES = [
    ("xinyu-2023.txt", XINYU_2023, "work_plan"),
    ("beijing-2016.txt", BEIJING_2016, "work_plan"),
    ("dingtao-2017.txt", DINGTAO_2017, "work_plan"),
    ("honggutan-2022.txt", HONGGUTAN_2022, "work_plan"),
    ("gubei-2020.txt", GUBEI_2020, "work_plan"),
    ("xinxiang-2020.txt", XINXIANG_2020_TRAD, "work_plan"),
    ("wuwei-2025.txt", WUWEI_2025, "notice"),
    ("aba-2018.txt", ABA_2018, "notice"),
    ("jintan-2017.txt", JINTAN_2017, "notice"),
    ("liangshan-2014.txt", LIANGSHAN_2014_TRAD, "notice"),
    ("guangdong-2010.txt", GUANGDONG_2010, "notice"),
    ("guoban-2019.txt", GUOBAN_2019, "notice"),
    ("chizhou-tasks.txt", CHIZHOU_TASKS, "task_list"),
    ("jingzhou-2022.md", JINGZHOU_2022, "task_list"),
    ("district-2022.txt", DISTRICT_2022_TRAD, "task_list"),
    ("jimei-2021.txt", JIMEI_2021, "task_list"),
    ("ledger.txt", LEDGER_WITH_STATUSES, "task_list"),
    ("guzhen-news.txt", GUZHEN_NEWS, "other"),
    ("guandu-interpretation.txt", GUANDU_INTERPRETATION, "other"),
    ("shanghai-2022.txt", SHANGHAI_2022, "annual_report"),
    ("qingxin-2022.txt", QINGXIN_2022_UNTITLED, "annual_report"),
    ("report-with-tasks.txt", REPORT_WITH_TASK_TABLE, "annual_report"),
]


@pytest.mark.parametrize(("source", "text", "kind"), KIND_CASES, ids=[c[0] for c in KIND_CASES])
def test_kind_of_real_documents(source: str, text: str, kind: str) -> None:
    ex = extract_bytes(text.encode("utf-8"), source)
    assert ex.document_kind == kind
    rules = {f.rule for f in ex.findings}
    if kind == "annual_report":
        assert "not_annual_report" not in rules
    else:
        # listed with one clear note, no error about a year or figures, nothing read
        assert rules == {"not_annual_report"}
        (f,) = ex.findings
        assert f.severity == "info" and f.message.startswith(f"{source}: 不是年度报告：")
        assert ex.values == {} and ex.readable


@pytest.mark.parametrize(("source", "text", "kind"), KIND_CASES, ids=[c[0] for c in KIND_CASES])
def test_kind_survives_another_dress(source: str, text: str, kind: str) -> None:
    """GB18030 bytes and HTML paragraphs: the kind does not move."""
    assert extract_bytes(text.encode("gb18030", "replace"), source).document_kind == kind
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in text.splitlines()) + "</body>"
    assert extract_bytes(html.encode("utf-8"), Path(source).stem + ".html").document_kind == kind


def test_messages_name_the_document() -> None:
    ex = extract_bytes(XINYU_2023.encode(), "plan.txt")
    (f,) = ex.findings
    assert "不是年度报告：工作要点" in f.message and "not an annual report: work plan" in f.message
    assert ex.title == "2023年新余市政务公开工作要点"
    notice = extract_bytes(WUWEI_2025.encode(), "n.txt")
    assert notice.title and notice.title.endswith("年度报告编制和发布工作的通知")
    assert "不是年度报告：通知" in notice.findings[0].message


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("2023年新余市政务公开工作要点", "work_plan"),
        ("关于做好2023年度政府信息公开工作年度报告编制发布工作的通知", "notice"),
        ("关于印发《2023年新余市政务公开工作要点》的通知", "notice"),  # head word only
        ("2022年政务公开任务分解责任清单", "task_list"),
        ("官渡区2022年政务公开工作要点分工方案（征求意见稿）", "task_list"),
        ("2022年上海市政府信息公开工作年度报告", "annual_report"),
        ("固镇县召开2023年度政府信息公开工作年报编制和发布部署会", None),
    ],
)
def test_title_head_is_the_last_word(title: str, kind: str | None) -> None:
    head = title_head(title)
    assert (head[0] if head else None) == kind


def test_broken_title_lines_are_joined() -> None:
    lines = ABA_2018.splitlines()
    assert find_title(lines) == (
        "阿坝州人民政府办公室关于做好2017年政府信息公开工作年度报告编制和公布工作的通知"
    )


def test_scores_show_the_evidence() -> None:
    doc = read_bytes(XINYU_2023.encode(), "x.txt")
    v = classify_document(doc.lines, doc.container, "x.txt")
    assert v.kind == "work_plan" and "title:工作要点" in v.evidence
    assert "headings:总体要求" in v.evidence and "addressee" in v.evidence


def _pdf(draw_text: str | None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for page in range(3):
        # a scan: the page is a picture (here grey boxes); at most a page number as text
        c.setFillGray(0.8)
        c.rect(60, 100, 470, 650, fill=1, stroke=0)
        if draw_text:
            c.setFillGray(0)
            c.drawString(290, 60, draw_text.format(page + 1))
        c.showPage()
    c.save()
    return buf.getvalue()


def test_a_scan_says_so() -> None:
    ex = extract_bytes(_pdf("- {} -"), "2023年政府信息公开工作年度报告.pdf")
    assert [f.rule for f in ex.findings] == ["scanned_pdf"]
    f = ex.findings[0]
    assert "扫描件，无文字层（scanned, no text layer）" in f.message
    assert f.severity == "error" and f.blame == "reading" and not ex.readable
    assert ex.document_kind == "annual_report" and ex.container == "pdf"


def test_a_scanned_plan_is_named_by_its_file() -> None:
    ex = extract_bytes(_pdf(None), "2024年政务公开工作要点.pdf")
    assert ex.document_kind == "work_plan"
    assert {f.rule for f in ex.findings} == {"scanned_pdf", "not_annual_report"}


def test_extract_json_says_the_kind(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(HONGGUTAN_2022, encoding="utf-8")
    tasks = tmp_path / "tasks.md"
    tasks.write_text(JINGZHOU_2022, encoding="utf-8")
    report = tmp_path / "report.txt"
    report.write_text(SHANGHAI_2022, encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", "--json", str(plan), str(tasks), str(report)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [r["document_kind"] for r in rows] == ["work_plan", "task_list", "annual_report"]
    assert not any(f["rule"] in {"no_year", "no_values"} for r in rows[:2] for f in r["findings"])
    human = CliRunner().invoke(main, ["--lang", "en", "extract", str(plan)])
    assert human.exit_code == 0 and "not an annual report" in human.output


def _corpus() -> Path | None:
    env = os.environ.get("GONGKAI_CORPUS")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "corpus"
    return path if (path / "docs").is_dir() else None


@pytest.mark.skipif(_corpus() is None, reason="../shared/corpus not present")
def test_every_corpus_document_is_an_annual_report() -> None:
    for path in sorted((_corpus() / "docs").iterdir()):
        doc = read_bytes(path.read_bytes(), path.name)
        v = classify_document(doc.lines, doc.container, path.name)
        assert v.is_report, (path.name, v)


def test_demo_reports_are_annual_reports(tmp_path: Path) -> None:
    from pipelines.demo import generate

    generate(tmp_path, seed=3, scale=0.05)
    docs = sorted((tmp_path / "docs").iterdir())
    assert docs
    for path in docs:
        doc = read_bytes(path.read_bytes(), path.name)
        assert classify_document(doc.lines, doc.container, path.name).is_report, path.name


def test_the_warehouse_lists_other_documents_apart(tmp_path: Path) -> None:
    """A plan is listed (not_report), a scan is quarantined as a scan, a report is published."""
    import duckdb
    import polars as pl

    from schemas.tables import tables
    from warehouse.build import build_database, core_tables
    from warehouse.frames import quarantine_frame

    # the Shanghai excerpt plus the headline its full report states (主动公开…46106条)
    text = SHANGHAI_2022 + "全年上海市人民政府网站共主动公开政府信息46106条。\n"
    report = extract_bytes(text.encode(), "report.txt")
    assert report.values and report.body.region_code
    plan = extract_bytes(XINYU_2023.encode(), "plan.txt")
    notice = extract_bytes(WUWEI_2025.encode(), "notice.txt")
    scan = extract_bytes(_pdf(None), "2023年政府信息公开工作年度报告.pdf")
    core = core_tables([], [report, plan, notice, scan], demo=False)
    rows = {r["source"]: r for r in core.core_report.iter_rows(named=True)}
    assert rows["report.txt"]["status"] == "published"
    assert rows["report.txt"]["document_kind"] == "annual_report"
    assert (rows["plan.txt"]["status"], rows["plan.txt"]["document_kind"]) == (
        "not_report", "work_plan")
    assert rows["plan.txt"]["title"] == "2023年新余市政务公开工作要点"
    assert rows["plan.txt"]["quarantine_reason"] is None
    assert rows["notice.txt"]["document_kind"] == "notice"
    scan_row = rows["2023年政府信息公开工作年度报告.pdf"]
    assert scan_row["status"] == "quarantined"
    assert scan_row["quarantine_reason"].startswith("scanned_pdf: ")
    quarantined = quarantine_frame(core.core_report)["item"].to_list()
    assert quarantined == ["2023年政府信息公开工作年度报告.pdf"]
    assert set(core.core_value["report_id"].unique()) <= {report.sha256}
    assert core.core_report.columns == tables()["core_report"].column_names

    db = tmp_path / "w.duckdb"
    build_database(db, core, pl.DataFrame(schema={"region_code": pl.Utf8}), is_demo=False,
                   engine_version="t", dataset_version="t")
    con = duckdb.connect(str(db), read_only=True)
    meta = con.execute("SELECT reports_published, reports_quarantined, documents_not_report "
                       "FROM meta_build").fetchall()[0]
    con.close()
    assert meta == (1, 1, 2)
