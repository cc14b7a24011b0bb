"""The report's words: title, publication date, the six sections and their headline figures.

Headline figures stated in the 总体情况 section (主动公开政府信息X条, 政策解读X篇,
召开新闻发布会X场, 收到政府信息公开申请X件) and the fee statement of section 六 are returned
with their cell kinds so that ``expected/*.json`` records them under ``headline.*`` exactly as
printed ("本年度未收到政府信息公开申请" and "未发生政府信息公开收费" are 0 with kind ``text``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from .province import Body

SECTION_HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、政府信息公开工作存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)

_MANAGE = (
    "严格执行信息发布审核制度，落实“先审后发”“三审三校”要求，确保发布信息准确规范。",
    "动态更新政府信息公开指南和公开目录，规范政府信息公开属性源头认定。",
    "加强政务新媒体日常管理，定期开展内容巡查，及时整改错链断链、空白栏目等问题。",
)
_PLATFORM = (
    "持续优化政府门户网站政府信息公开专栏，推进公开平台集约化建设。",
    "发挥政务服务大厅、档案馆、图书馆等线下公开查阅点作用，方便群众就近查阅。",
    "拓展政务新媒体公开渠道，及时发布政策文件和惠民信息。",
)
_SUPERVISION = (
    "将政务公开工作纳入年度绩效考核，明确专人负责，加强业务培训。",
    "组织开展政务公开业务培训，提升工作人员依法公开意识和能力。",
    "畅通社会评议渠道，主动接受群众监督，及时回应公众关切。",
)
_PROBLEMS = (
    "政策解读形式不够丰富，图解、视频等多元化解读方式运用不足。",
    "依申请公开办理的规范化水平有待进一步提升。",
    "基层政务公开标准化规范化建设仍需加强。",
    "公开内容的及时性和全面性与群众期盼仍有差距。",
)
_MEASURES = (
    "一是加强业务培训，提升工作人员业务能力；",
    "二是丰富政策解读形式，提高解读质量；",
    "三是规范依申请公开办理流程，严格落实答复时限；",
    "四是加强平台建设，提升公开实效。",
)


def short_name(body: Body) -> str:
    """How the prose refers to the body (我市/我区/本局 …)."""
    if body.type in ("government", "office"):
        return {"province": "我省", "city": "我市", "county": "我区" if body.name.endswith(
            "区人民政府") else "我县" if "县" in body.name else "我市",
            "township": "我镇" if body.name.endswith("人民政府") else "本街道"}[body.level]
    return "本局" if body.name.endswith("局") else "本单位"


def title(body: Body, year: int, rng: np.random.Generator) -> str:
    """The report title, naming the body and the statistics year (three real variants)."""
    variants = (
        f"{body.name}{year}年政府信息公开工作年度报告",
        f"{body.name}{year}年度政府信息公开工作年度报告",
        f"{year}年{body.name}政府信息公开工作年度报告",
    )
    return variants[int(rng.choice(3, p=[0.7, 0.2, 0.1]))]


def publication_date(year: int, rng: np.random.Generator) -> str:
    """ISO publication date: in January of the next year, about 12 % late (Feb–Mar)."""
    if rng.random() < 0.88:
        day = dt.date(year + 1, 1, int(rng.integers(5, 32)))
    else:
        day = dt.date(year + 1, int(rng.integers(2, 4)), int(rng.integers(1, 29)))
    return day.isoformat()


def _pick(rng: np.random.Generator, pool: tuple[str, ...], n: int) -> str:
    idx = sorted(rng.choice(len(pool), size=min(n, len(pool)), replace=False))
    return "".join(pool[int(i)] for i in idx)


def intro(body: Body, year: int) -> list[str]:
    """The standard opening paragraph."""
    return [
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制，全文包括"
        f"总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议"
        f"和行政诉讼情况、政府信息公开工作存在的主要问题及改进情况、其他需要报告的事项。本报告"
        f"所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。如对本报告有疑问，请与"
        f"{body.name}联系。"
    ]


def sections(
    body: Body, year: int, figures: dict, said_received: int, rng: np.random.Generator,
    *, brief: bool = False,
) -> tuple[list[tuple[str, list[str], str]], dict[str, int], dict[str, str]]:
    """The six sections with their paragraphs, and the headline figures the prose states.

    Args:
        body: the publishing body.
        year: statistics year.
        figures: true figures (``headline.*`` keys used).
        said_received: number of applications received as the prose states it.
        rng: the document's generator.
        brief: shorter prose (PDFs are kept to one or two pages).

    Returns:
        ``(sections, headline values, headline cell kinds)``; each section is
        ``(heading, paragraphs, table id "2"/"3"/"4" or "")``.
    """
    me = short_name(body)
    values: dict[str, int] = {}
    kinds: dict[str, str] = {}
    items = int(figures["headline.items_published"])
    interp = int(figures["headline.policy_interpretations"])
    press = int(figures["headline.press_conferences"])
    verb = ("全年主动公开政府信息", "共主动公开政府信息", "通过门户网站主动公开政府信息")[
        int(rng.integers(3))]
    active = f"（一）主动公开。{year}年，{me}{verb}{items}条"
    values["headline.items_published"] = items
    if interp:
        active += ("，发布政策解读" if rng.random() < 0.5 else "，政策解读") + f"{interp}篇"
        values["headline.policy_interpretations"] = interp
    if press:
        active += ("，召开新闻发布会" if rng.random() < 0.6 else "，举办新闻发布会") + f"{press}场"
        values["headline.press_conferences"] = press
    active += "。"
    if said_received:
        lead = "全年共收到" if rng.random() < 0.5 else "收到"
        request = (f"（二）依申请公开。进一步规范依申请公开办理流程，{year}年{lead}政府信息公开"
                   f"申请{said_received}件，均在法定期限内予以答复。")
    else:
        request = "（二）依申请公开。本年度未收到政府信息公开申请。"
        kinds["headline.applications_received"] = "text"
    values["headline.applications_received"] = said_received
    n = 1 if brief else 2
    general = [
        f"{year}年，{me}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《条例》"
        f"和上级关于政务公开工作的部署要求，不断提升政务公开工作质效。",
        active,
        request,
        "（三）政府信息管理。" + _pick(rng, _MANAGE, n),
        "（四）政府信息公开平台建设。" + _pick(rng, _PLATFORM, n),
        "（五）监督保障。" + _pick(rng, _SUPERVISION, n),
    ]
    problems = [
        "（一）存在的主要问题。" + _pick(rng, _PROBLEMS, 2),
        "（二）改进措施。" + ("".join(_MEASURES[:2]) if brief else "".join(_MEASURES)),
    ]
    r = rng.random()
    if r < 0.6:
        other = [f"{year}年，{me}未发生政府信息公开收费事项。"]
        values["headline.fees_yuan"] = 0
        kinds["headline.fees_yuan"] = "text"
    elif r < 0.8:
        other = [f"{year}年，{me}收取政府信息公开信息处理费0元。"]
        values["headline.fees_yuan"] = 0
    else:
        other = ["无。"]
    secs = [
        (SECTION_HEADINGS[0], general, ""),
        (SECTION_HEADINGS[1], [], "2"),
        (SECTION_HEADINGS[2], [], "3"),
        (SECTION_HEADINGS[3], [], "4"),
        (SECTION_HEADINGS[4], problems, ""),
        (SECTION_HEADINGS[5], other, ""),
    ]
    return secs, values, kinds
