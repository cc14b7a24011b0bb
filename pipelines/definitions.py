"""The one Dagster ``Definitions`` of Gongkai, loaded by ``workspace.yaml``. It only assembles."""

from __future__ import annotations

import dagster as dg

from pipelines import executors
from pipelines.assets import checks, collect, collect_store, core, ledgers, warehouse
from pipelines.assets.collect import CollectSettings
from pipelines.io import gongkai_io_manager
from pipelines.jobs import (
    annual_province_rollup,
    build_after_collect,
    build_job,
    collect_job,
    february_collect,
    inbox_sensor,
    monthly_build,
    province_year_job,
)
from pipelines.resources import GongkaiHome

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([core, warehouse, ledgers, collect_store, collect]),
    asset_checks=dg.load_asset_checks_from_modules([checks, ledgers]),
    jobs=[build_job, province_year_job, collect_job],
    schedules=[monthly_build, annual_province_rollup, february_collect],
    sensors=[inbox_sensor, build_after_collect],
    # GONGKAI_EXECUTOR=multiprocess (default) | celery. Step outputs are Parquet/JSON under
    # the run's home (gongkai_io_manager), the storage every executor's workers share.
    resources=executors.shared_resources(
        {"gongkai": GongkaiHome(), "collect_settings": CollectSettings(),
         "io_manager": gongkai_io_manager, "collect_io_manager": dg.mem_io_manager}
    ),
    executor=executors.from_env(),
)
