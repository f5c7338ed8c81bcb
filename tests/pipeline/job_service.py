"""Beam's local job service, running ``--sdk_worker_parallelism`` SDK workers per environment.

Usage: python tests/pipeline/job_service.py --port N

Beam's Python job service (``local_job_service_main``) runs every job with one
SDK worker: its FnApiRunner takes the worker count only from ``run_pipeline``,
which the job service does not call. Flink's and Spark's job servers honour the
submitter's ``--sdk_worker_parallelism``; this wrapper does the same, so a test
can run a job on two SDK workers from an EXTERNAL worker pool, as a cluster does.
It also prints ``INPUT <worker id>`` on stderr each time a worker is sent data, so
the test can check that every worker really processed elements. Nothing else
about the job service changes.
"""

from __future__ import annotations

import sys

from apache_beam.options.pipeline_options import PortableOptions
from apache_beam.runners.portability import local_job_service_main
from apache_beam.runners.portability.fn_api_runner import fn_runner

_run_via_runner_api = fn_runner.FnApiRunner.run_via_runner_api
_send_input_to_worker = fn_runner.BundleManager._send_input_to_worker


def _run_with_workers(self: fn_runner.FnApiRunner, pipeline_proto: object, options: object) -> object:
    # options arrive through the job API as strings
    self._num_workers = max(1, int(options.view_as(PortableOptions).sdk_worker_parallelism or 1))
    return _run_via_runner_api(self, pipeline_proto, options)


def _send_and_report(self: fn_runner.BundleManager, process_bundle_id: str, read_transform_id: str,
                     byte_streams: list[bytes] | None) -> None:
    if any(byte_streams or []):
        print(f"INPUT {self._worker_handler.worker_id}", file=sys.stderr, flush=True)
    _send_input_to_worker(self, process_bundle_id, read_transform_id, byte_streams)


if __name__ == "__main__":
    fn_runner.FnApiRunner.run_via_runner_api = _run_with_workers
    fn_runner.BundleManager._send_input_to_worker = _send_and_report
    local_job_service_main.run(sys.argv[1:])
