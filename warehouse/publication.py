"""The crawler's store in a build: status and file tables, publication dates, the timeliness mart.

Every build reloads the store (:mod:`warehouse.collect_store`) into ``core_collect_status``
(the current result per source and year, its body joined to ``dim_body``) and
``core_collected_document`` (URL and HTTP headers of every collected file, with the
``report_id`` of the document it became: the link from a published report to its URL). From
them:

* :func:`collected_dates` — the publication date of each collected file: the date its file
  record gives, else the date of the status record that listed it, with where it came from;
  the on-time check of the scorecard prefers it to the dates read from the text
  (:func:`warehouse.scorecard.build_scorecard`);
* ``out_publication_timeliness`` — per body and year the deadline (31 January; 31 March before
  2019), the publication date and its source, and the verdict: on time, late by N days, not
  published as of the last check, or failed with the reason. Published reports without a
  collected date are dated by their text, so the mart is filled on a home without a store too.
"""

from __future__ import annotations

import duckdb
import polars as pl

from pipelines.checker.timeliness import PublicationDate, deadline
from schemas.models import conform, validate
from warehouse.collect_store import CollectTables, empty_store
from warehouse.loading import load_table


def collected_dates(store: CollectTables) -> dict[str, PublicationDate]:
    """sha256 → the publication date the crawler recorded for that file.

    A file record's own date wins; it keeps the status record's ``date_source`` when that
    record gives the same date, else it is ``collected``. A file only a status record lists
    takes that record's date. The URL is the page the date was read on (the listing page for a
    listing date, else the report).
    """
    listed = {
        r["sha256"]: r for r in store.files.filter(pl.col("published_date").is_not_null())
        .iter_rows(named=True)
    }
    out: dict[str, PublicationDate] = {}
    for sha, rec in listed.items():
        out[sha] = _dated(rec["published_date"], rec["date_source"], rec["listing_url"],
                          rec["report_url"], rec["year"])
    for doc in store.documents.filter(pl.col("published_date").is_not_null()).iter_rows(
            named=True):
        status = listed.get(doc["sha256"])
        same = status is not None and status["published_date"] == doc["published_date"]
        out[doc["sha256"]] = _dated(doc["published_date"],
                                    status["date_source"] if same else None,
                                    doc["listing_url"], doc["final_url"] or doc["url"],
                                    doc["year"] if doc["year"] is not None else (
                                        status["year"] if status else None))
    return out


def _dated(when, source: str | None, listing: str | None, page: str | None,
           year: int | None) -> PublicationDate:
    source = source or "collected"
    return PublicationDate(when.isoformat(), source, listing if source == "listing" else page,
                           year)


def dates_frame(dates: dict[str, PublicationDate]) -> pl.DataFrame:
    """``report_id, published_date, date_source, date_url, year`` of :func:`collected_dates`."""
    return pl.DataFrame(
        {
            "report_id": list(dates),
            "published_date": [d.date for d in dates.values()],
            "date_source": [d.source for d in dates.values()],
            "date_url": [d.url for d in dates.values()],
            "year": [d.year for d in dates.values()],
        },
        schema={"report_id": pl.Utf8, "published_date": pl.Utf8, "date_source": pl.Utf8,
                "date_url": pl.Utf8, "year": pl.Int32},
    ).with_columns(pl.col("published_date").str.to_date())


def load_collect(con: duckdb.DuckDBPyConnection, store: CollectTables | None) -> None:
    """Load ``core_collect_status`` and ``core_collected_document`` (needs dim_body, core_report).

    A status record's body resolves to ``dim_body`` by its id, or by its exact name when the
    crawler could not resolve it and one body of the warehouse bears that name. Lines set aside
    while reading the store join ``core_quarantine``.
    """
    store = store or empty_store()
    con.register("_collect_status", store.status)
    status = con.sql(
        """
        WITH named AS (
            SELECT name, any_value(body_id) AS body_id FROM dim_body
            GROUP BY name HAVING count(*) = 1
        )
        SELECT s.source_id, s.year, coalesce(s.body_id, n.body_id) AS body_id,
            coalesce(s.body_name, b.name) AS body_name,
            coalesce(s.region_code, b.region_code) AS region_code, b.level, b.body_type,
            b.body_id IS NOT NULL AS body_known, s.status, s.reason, s.report_url, s.title,
            s.published_date, s.date_source, s.sha256, s.listing_url, s.checked_at, s.checks
        FROM _collect_status s
        LEFT JOIN named n ON s.body_id IS NULL AND n.name = s.body_name
        LEFT JOIN dim_body b ON b.body_id = coalesce(s.body_id, n.body_id)
        ORDER BY s.source_id, s.year
        """
    ).pl()
    con.unregister("_collect_status")
    load_table(con, "core_collect_status",
               validate("core_collect_status", conform("core_collect_status", status)))
    reports = set(con.sql("SELECT report_id FROM core_report").pl()["report_id"].to_list())
    documents = store.documents.with_columns(
        pl.when(pl.col("sha256").is_in(list(reports))).then(pl.col("sha256")).alias("report_id"))
    load_table(con, "core_collected_document",
               validate("core_collected_document", conform("core_collected_document", documents)))
    if store.quarantine.height:
        con.register("_collect_q", store.quarantine)
        con.execute("INSERT INTO core_quarantine SELECT * FROM _collect_q")
        con.unregister("_collect_q")


_TIMELINESS_SQL = """
WITH picked AS (
    -- One collect result per body and year (a body may have several sources): a found
    -- report first, then the latest check. Sources whose body is unknown stay one row each.
    SELECT *, row_number() OVER (
        PARTITION BY coalesce(body_id, 'source:' || source_id), year
        ORDER BY CASE status WHEN 'found' THEN 0 WHEN 'not_published' THEN 1
                 WHEN 'failed' THEN 2 ELSE 3 END, checked_at DESC, source_id) AS pick
    FROM core_collect_status
), s AS (SELECT * FROM picked WHERE pick = 1),
reports AS (
    SELECT o.body_id, o.body_name, o.region_code, o.level, o.body_type, o.year, o.report_id,
        r.published_date AS text_date, d.url AS document_url
    FROM out_body_year o
    LEFT JOIN core_report r USING (report_id)
    LEFT JOIN core_collected_document d ON d.sha256 = o.report_id
), joined AS (
    SELECT coalesce(p.body_id, s.body_id) AS body_id,
        coalesce(p.body_name, s.body_name) AS body_name,
        coalesce(p.region_code, s.region_code) AS region_code,
        coalesce(p.level, s.level) AS level, coalesce(p.body_type, s.body_type) AS body_type,
        coalesce(p.year, s.year) AS year,
        p.report_id IS NOT NULL OR s.status = 'found' AS published,
        CASE
            WHEN c.published_date IS NOT NULL THEN c.published_date
            WHEN s.status = 'found' AND s.published_date IS NOT NULL THEN s.published_date
            ELSE p.text_date
        END AS published_date,
        CASE
            WHEN c.published_date IS NOT NULL THEN c.date_source
            WHEN s.status = 'found' AND s.published_date IS NOT NULL
                THEN coalesce(s.date_source, 'collected')
            WHEN p.text_date IS NOT NULL THEN 'report_text'
        END AS date_source,
        s.status AS collect_status, s.checked_at, s.reason,
        coalesce(p.document_url, s.report_url) AS report_url, s.listing_url, s.source_id,
        p.report_id
    FROM reports p
    FULL OUTER JOIN s ON p.body_id = s.body_id AND p.year = s.year
    -- The crawler's date of a report's file, when it was found for that report's year and
    -- lies in it (pipelines.checker.timeliness.collected_applies, the scorecard's rule).
    LEFT JOIN _collected_dates c ON c.report_id = p.report_id
        AND coalesce(c.year, p.year) = p.year AND c.published_date >= make_date(p.year, 1, 1)
), verdict AS (
    SELECT j.*, d.deadline,
        CASE
            WHEN NOT published THEN collect_status
            WHEN published_date IS NULL THEN 'date_unknown'
            WHEN published_date <= d.deadline THEN 'on_time'
            ELSE 'late'
        END AS status
    FROM joined j JOIN _deadlines d USING (year)
)
SELECT body_id, body_name, region_code, level, body_type, year, deadline, status,
    published_date,
    -- A date that did not decide the verdict (a found report later than the deadline is
    -- still dated) keeps its source; a row without a date has none.
    CASE WHEN published_date IS NOT NULL THEN date_source END AS date_source,
    CASE status WHEN 'late' THEN CAST(published_date - deadline AS INTEGER)
                WHEN 'on_time' THEN 0 END AS days_late,
    CASE status WHEN 'late' THEN TRUE WHEN 'on_time' THEN FALSE
                WHEN 'not_published' THEN CAST(checked_at AS DATE) > deadline END
        AS missed_deadline,
    checked_at, CASE WHEN NOT published THEN reason END AS reason, report_url, listing_url,
    source_id, report_id
FROM verdict
ORDER BY year, region_code NULLS LAST, body_name, source_id
"""


def load_publication_timeliness(con: duckdb.DuckDBPyConnection,
                                dates: dict[str, PublicationDate]) -> None:
    """``out_publication_timeliness`` from the published reports and the collect status.

    Needs ``out_body_year``, ``core_report`` and the collect tables loaded. The deadline of
    each year is :func:`pipelines.checker.timeliness.deadline`, the rule the checker uses.
    """
    years = {int(y) for (y,) in con.execute(
        "SELECT year FROM out_body_year UNION SELECT year FROM core_collect_status").fetchall()
        if y is not None}
    con.register("_deadlines", pl.DataFrame(
        {"year": sorted(years), "deadline": [deadline(y) for y in sorted(years)]},
        schema={"year": pl.Int32, "deadline": pl.Date}))
    con.register("_collected_dates", dates_frame(dates))
    try:
        mart = con.sql(_TIMELINESS_SQL).pl()
    finally:
        con.unregister("_deadlines")
        con.unregister("_collected_dates")
    name = "out_publication_timeliness"
    load_table(con, name, validate(name, conform(name, mart)))
