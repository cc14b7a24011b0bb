"""Collecting reports from government sites (issue 15): ``gongkai collect``.

A sources file names bodies and the listing pages of their 政府信息公开年报 column
(:mod:`.sources`). The crawler (:mod:`.crawl`, over the polite fetcher of :mod:`.fetch`) walks
each listing, finds the year's report by scoring link titles (:mod:`.listing`), downloads the
report page and its attachments (:mod:`.page`, :mod:`.sniff`) and puts them into the inbox
unchanged. What it did is kept under ``GONGKAI_HOME/collect/`` (:mod:`.store`): one status
record per source and year, one provenance record per collected file. :func:`.run.collect` is
the entry point the CLI and Dagster call.
"""
