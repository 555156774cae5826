#!/usr/bin/env python3
"""Checks the scale-out examples without Airflow or a cluster (docs/scale-out.md).

  check_examples.py dag DAG_FILE PLAN_JSON_FILE
      Imports the DAG with small stand-ins for the Airflow classes it uses (DAG, task,
      BashOperator), checks how its tasks are wired, and prints the command lines its tasks would
      run -- one line "plan: ..." and, per shard and try, "run <shard> try <n>: <env> <command>"
      -- rendered with Jinja as Airflow renders templated fields, from the shards found in
      PLAN_JSON_FILE (the output of `etl plan --format json`).
  check_examples.py k8s JOB_YAML
      Parses the Indexed Job and prints its shard count and the command line of its container.

Exits 1 with a message on the first thing that does not hold.
"""

import json
import shlex
import sys
import types
from datetime import datetime, timezone


def fail(message):
    print(f"check_examples.py: {message}", file=sys.stderr)
    sys.exit(1)


class Output:
    """What `operator.output` / a @task call returns: a reference to an upstream XCom."""

    def __init__(self, producer):
        self.producer = producer


class Operator:
    created = []

    def __init__(self, task_id, **kwargs):
        self.task_id = task_id
        self.kwargs = kwargs
        self.downstream = []
        self.output = Output(self)
        Operator.created.append(self)

    def __rshift__(self, other):
        self.downstream.append(other)
        return other


class Partial:
    def __init__(self, kwargs):
        self.kwargs = kwargs

    def expand(self, **mapped):
        kwargs = dict(self.kwargs)
        op = Operator(kwargs.pop("task_id"), **kwargs)
        op.mapped = mapped
        return op


class BashOperator(Operator):
    def __init__(self, task_id, bash_command, **kwargs):
        super().__init__(task_id, bash_command=bash_command, **kwargs)

    @classmethod
    def partial(cls, **kwargs):
        return Partial(kwargs)


class DAG:
    def __init__(self, dag_id, **kwargs):
        self.dag_id = dag_id
        self.kwargs = kwargs

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def task(fn):
    def call(*args):
        out = Output(fn)
        out.args = args
        return out

    call.fn = fn
    return call


def install_stubs():
    airflow = types.ModuleType("airflow")
    airflow.DAG = DAG
    decorators = types.ModuleType("airflow.decorators")
    decorators.task = task
    operators = types.ModuleType("airflow.operators")
    bash = types.ModuleType("airflow.operators.bash")
    bash.BashOperator = BashOperator
    sys.modules.update({"airflow": airflow, "airflow.decorators": decorators,
                        "airflow.operators": operators, "airflow.operators.bash": bash})


def render(template, try_number, env):
    import jinja2

    start = datetime(2026, 12, 1, 1, 0, 0, tzinfo=timezone.utc)
    context = {
        "ti": types.SimpleNamespace(try_number=try_number),
        "dag_run": types.SimpleNamespace(start_date=start),
        "ts_nodash": "20261201T010000",
    }
    text = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(template).render(
        context)
    # What bash would expand: the mapped task's env.
    for name, value in env.items():
        text = text.replace(f'"${name}"', shlex.quote(value))
    if "$" in text:
        fail(f"unexpanded variable left in {text}")
    return text


def check_dag(dag_file, plan_file):
    install_stubs()
    namespace = {"__name__": "etl_dag"}
    with open(dag_file, encoding="utf-8") as f:
        code = compile(f.read(), dag_file, "exec")
    exec(code, namespace)

    ops = {op.task_id: op for op in Operator.created}
    if set(ops) != {"plan", "load"}:
        fail(f"expected tasks plan and load, got {sorted(ops)}")
    plan, load = ops["plan"], ops["load"]
    if load not in plan.downstream:
        fail("load does not run after plan")
    if plan.kwargs.get("do_xcom_push") is not True:
        fail("plan must push its last stdout line (the JSON) to XCom")
    mapped = getattr(load, "mapped", None)
    if not mapped or set(mapped) != {"env"}:
        fail("load must be mapped with .expand(env=...)")
    source = mapped["env"]
    if not isinstance(source, Output) or source.args[0] is not plan.output:
        fail("load's env must come from the plan task's output")
    if not load.kwargs.get("retries"):
        fail("load needs retries: exit code 75 is retried as a failure")
    if load.kwargs.get("append_env") is not True:
        fail("load must keep the worker's environment (append_env=True)")
    if "skip_on_exit_code" in load.kwargs:
        fail("skip_on_exit_code would mark a locked-out shard skipped instead of retrying it")

    print("plan: " + plan.kwargs["bash_command"])
    with open(plan_file, encoding="utf-8") as f:
        plan_json = f.read().strip().splitlines()[-1]  # what XCom holds: the last line
    envs = source.producer(plan_json)
    if len(envs) != json.loads(plan_json)["shards"]:
        fail(f"expected one mapped task per shard, got {len(envs)}")
    for env in envs:
        for try_number in (1, 2):
            command = render(load.kwargs["bash_command"], try_number, env)
            print(f"run {env['ETL_SHARD']} try {try_number}: {command}")


def check_k8s(job_file):
    import yaml

    with open(job_file, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    if len(docs) != 1:
        fail(f"expected one document, got {len(docs)}")
    job = docs[0]
    if job.get("apiVersion") != "batch/v1" or job.get("kind") != "Job":
        fail("not a batch/v1 Job")
    spec = job["spec"]
    if spec.get("completionMode") != "Indexed":
        fail("completionMode must be Indexed (each pod gets JOB_COMPLETION_INDEX)")
    if "backoffLimitPerIndex" not in spec:
        fail("backoffLimitPerIndex must be set (a failed shard is retried with its index)")
    containers = spec["template"]["spec"]["containers"]
    if len(containers) != 1:
        fail("expected one container")
    args = containers[0]["args"]
    if "--shard-count" not in args:
        fail("the container must run with --shard-count (index from JOB_COMPLETION_INDEX)")
    count = int(args[args.index("--shard-count") + 1])
    if count != spec["completions"] or count != spec.get("parallelism", count):
        fail(f"--shard-count {count} must equal completions {spec['completions']}")
    if spec["template"]["spec"].get("restartPolicy") != "Never":
        fail("restartPolicy must be Never (retries come from backoffLimitPerIndex)")
    print(f"shards: {count}")
    print("command: " + " ".join(["etl"] + [str(a) for a in args]))


def main(argv):
    if len(argv) == 4 and argv[1] == "dag":
        check_dag(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "k8s":
        check_k8s(argv[2])
    else:
        fail("usage: check_examples.py dag DAG_FILE PLAN_JSON | k8s JOB_YAML")


if __name__ == "__main__":
    main(sys.argv)
