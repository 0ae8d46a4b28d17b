"""Vigil batch ML on Airflow 2 (2.4 or later: `schedule=` and data intervals).

Three DAGs call the same spark-submit entry points as conf/crontab:

* ``vigil_score``: hourly. Each run scores its data interval: ``--as-of`` is the interval's end, so
  the run for [10:00, 11:00) scores exactly the readings of that hour, whenever it actually runs.
* ``vigil_train``: daily. Each run trains as of the end of its day (midnight UTC).
* ``vigil_maintenance``: daily. Compacts and vacuums the streaming job's Delta tables (MaintenanceMain,
  streaming-jobs jar) as of the end of its day: partitions of the last day or two, which the job is
  still writing, are left alone; gold is only vacuumed. ``catchup=False``: a run maintains the tables
  as they are now, so there is nothing to backfill. ``vigil_streaming_config`` must be the settings
  file the streaming job runs with, so it maintains the tables the job writes.

``catchup=True`` makes backfills ordinary runs: ``airflow dags backfill vigil_score -s 2026-11-01
-e 2026-11-08`` scores every hour of that week, each with its own logical time; the jobs read only
data before ``--as-of`` and replace their own window's rows, so reruns and retries are safe.
``max_active_runs=1`` keeps runs of one DAG from overlapping (the crontab's lock), and failures are
retried.

Where Vigil lives and which settings file and Spark master to use come from Airflow Variables
(``vigil_root``, ``vigil_job_jar``, ``vigil_config``, ``vigil_spark_master``, ``vigil_streaming_jar``,
``vigil_streaming_config``) passed as environment
variables, so the commands below stay plain and are checked by ScheduleFilesTest (which parses this
file as text: keep every ``bash_command`` a literal string or a parenthesised run of literals).
"""

from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator

VIGIL_ENV = {
    "VIGIL_ROOT": "{{ var.value.get('vigil_root', '/opt/vigil') }}",
    "VIGIL_JOB_JAR": "{{ var.value.get('vigil_job_jar', '/opt/vigil/batch-ml/target/vigil-batch-ml-0.1.0-SNAPSHOT-spark.jar') }}",
    "VIGIL_CONFIG": "{{ var.value.get('vigil_config', '/opt/vigil/conf/batch.properties') }}",
    "VIGIL_SPARK_MASTER": "{{ var.value.get('vigil_spark_master', 'local[2]') }}",
    "VIGIL_STREAMING_JAR": "{{ var.value.get('vigil_streaming_jar', '/opt/vigil/streaming-jobs/target/vigil-streaming-jobs-0.1.0-SNAPSHOT-spark.jar') }}",
    "VIGIL_STREAMING_CONFIG": "{{ var.value.get('vigil_streaming_config', '/etc/vigil/streaming.properties') }}",
}

DEFAULT_ARGS = {
    "owner": "vigil",
    "retries": 3,
    "retry_delay": timedelta(minutes=10),
    "retry_exponential_backoff": True,
    "depends_on_past": False,
}

START = pendulum.datetime(2026, 11, 1, tz="UTC")

with DAG(
    dag_id="vigil_score",
    description="Hourly anomaly scoring of the hour that just ended (ScoreMain)",
    schedule="@hourly",
    start_date=START,
    catchup=True,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["vigil"],
) as score_dag:
    BashOperator(
        task_id="score",
        bash_command=(
            'cd "$VIGIL_ROOT" && scripts/spark-submit --master "$VIGIL_SPARK_MASTER" --driver-memory 2g'
            ' --class io.vigil.batch.ScoreMain "$VIGIL_JOB_JAR"'
            ' --config "$VIGIL_CONFIG" --as-of {{ data_interval_end | ts }}'
        ),
        env=VIGIL_ENV,
        append_env=True,
        execution_timeout=timedelta(minutes=50),
    )

with DAG(
    dag_id="vigil_train",
    description="Daily model training as of midnight UTC (ForecastMain --train)",
    schedule="@daily",
    start_date=START,
    catchup=True,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["vigil"],
) as train_dag:
    BashOperator(
        task_id="train",
        bash_command=(
            'cd "$VIGIL_ROOT" && scripts/spark-submit --master "$VIGIL_SPARK_MASTER" --driver-memory 4g'
            ' --class io.vigil.batch.ForecastMain "$VIGIL_JOB_JAR"'
            ' --config "$VIGIL_CONFIG" --train --as-of {{ data_interval_end | ts }}'
        ),
        env=VIGIL_ENV,
        append_env=True,
        execution_timeout=timedelta(hours=6),
    )

with DAG(
    dag_id="vigil_maintenance",
    description="Daily compaction and vacuum of the streaming job's Delta tables (MaintenanceMain)",
    schedule="@daily",
    start_date=START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["vigil"],
) as maintenance_dag:
    BashOperator(
        task_id="maintenance",
        bash_command=(
            'cd "$VIGIL_ROOT" && scripts/spark-submit --master "$VIGIL_SPARK_MASTER" --driver-memory 2g'
            ' --class io.vigil.streaming.MaintenanceMain "$VIGIL_STREAMING_JAR"'
            ' --config "$VIGIL_STREAMING_CONFIG" --as-of {{ data_interval_end | ts }}'
        ),
        env=VIGIL_ENV,
        append_env=True,
        execution_timeout=timedelta(hours=3),
    )
