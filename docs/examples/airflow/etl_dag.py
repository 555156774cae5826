"""Nightly etl job spread over N workers with Airflow's dynamic task mapping.

    plan  ->  shards_of(plan)  ->  load[0..N-1]

* ``plan`` runs ``etl plan JOB --format json --shards N``. etl prints the plan as ONE line of
  JSON on stdout (logs go to stderr), and BashOperator pushes the last stdout line to XCom.
* ``shards_of`` turns that document into one environment per shard (``ETL_SHARD=I/N``); every
  shard gets a task, also one whose planned share is empty (it finishes at once), so a table
  whose size estimate moved between plan and load is still picked up by the shard that owns it
  then.
* ``load`` is ONE BashOperator mapped over those environments with ``.partial(...).expand(...)``:
  ``etl run JOB --shard $ETL_SHARD``. etl computes the same assignment from the same figures, so
  each table is loaded by exactly one mapped task; per-table locks in the target make sure that
  even an overlapping run (a manual one, another DAG) never loads a table twice at once.

Exit codes (docs/cli.md): 0 done, 1 a table failed, 2 bad spec or usage, 75 a table was skipped
because another runner held its target (EX_TEMPFAIL). Airflow has no per-exit-code retry for
BashOperator (``skip_on_exit_code`` marks the task *skipped*, which would hide the table that was
not loaded), so 75 becomes a retry the way Airflow retries anything: the task fails and
``retries`` / ``retry_delay`` / ``retry_exponential_backoff`` bring it back later, when the
holder is done. On a retry (``ti.try_number > 1``) the command adds ``--rerun-failed-only
--rerun-since <this DAG run's start>``, so the retry reloads only the tables this DAG run has not
loaded yet: the ones that failed, were skipped for a lock, or were never reached.

Put this file in the DAGs folder and set ETL_JOB (and ETL_SHARDS, ETL_BINARY, ETL_REPORT_DIR)
as environment variables of the scheduler and workers, or edit the constants below. The
database passwords come from the workers' environment (the job names the variables).
"""

from __future__ import annotations

import json
import os
import shlex
from datetime import datetime, timedelta

from airflow import DAG
from airflow.decorators import task
from airflow.operators.bash import BashOperator

ETL = os.environ.get("ETL_BINARY", "etl")
JOB = os.environ.get("ETL_JOB", "/opt/etl/jobs/nightly.yml")
SHARDS = int(os.environ.get("ETL_SHARDS", "4"))
REPORT_DIR = os.environ.get("ETL_REPORT_DIR", "/var/log/etl")

PLAN_COMMAND = f"{shlex.quote(ETL)} plan {shlex.quote(JOB)} --format json --shards {SHARDS}"

# Rendered by Airflow (Jinja) for every mapped task instance; $ETL_SHARD comes from its env.
RUN_COMMAND = (
    f"{shlex.quote(ETL)} run {shlex.quote(JOB)} --shard \"$ETL_SHARD\" --progress never"
    f" --report-json {shlex.quote(REPORT_DIR)}/{{{{ ts_nodash }}}}-shard-\"$ETL_SHARD_INDEX\".json"
    "{% if ti.try_number > 1 %}"
    " --rerun-failed-only --rerun-since '{{ dag_run.start_date.isoformat() }}'"
    "{% endif %}"
)


def shard_envs(plan_json: str) -> list[dict[str, str]]:
    """One environment per shard of the plan (`etl plan --format json`), in shard order."""
    plan = json.loads(plan_json)
    count = int(plan["shards"])
    planned: dict[int, list[str]] = {i: [] for i in range(count)}
    for unit in plan["units"]:
        planned[int(unit["shard"])].append(unit["table"])
    return [
        {
            "ETL_SHARD": f"{i}/{count}",
            "ETL_SHARD_INDEX": str(i),
            # For the task's log and the UI only: etl decides by itself which tables it runs.
            "ETL_PLANNED_TABLES": " ".join(planned[i]),
        }
        for i in range(count)
    ]


with DAG(
    dag_id="etl_nightly",
    schedule="0 1 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "data-platform"},
    tags=["etl"],
) as dag:
    plan = BashOperator(task_id="plan", bash_command=PLAN_COMMAND, do_xcom_push=True)

    @task
    def shards_of(plan_json: str) -> list[dict[str, str]]:
        return shard_envs(plan_json)

    load = BashOperator.partial(
        task_id="load",
        bash_command=RUN_COMMAND,
        append_env=True,  # keep the worker's environment (passwords, PATH) next to ETL_SHARD
        retries=4,
        retry_delay=timedelta(minutes=2),
        retry_exponential_backoff=True,
        max_retry_delay=timedelta(minutes=30),
        max_active_tis_per_dagrun=SHARDS,
    ).expand(env=shards_of(plan.output))

    plan >> load
