#!/usr/bin/env python3
"""Cold start through the local platform: time to first byte of a request that arrives while the revision has zero
instances (gateway -> activator -> process start -> readiness -> handler), per language, next to the warm latency of
the same request measured in the same run. Targets (issue 3): cpp <= 15 ms, python <= 150 ms.

usage: tests/perf/local_cold_start.py [--bin build/release/bin] [--repetitions 10] [--languages cpp,python,nodejs]
Not run by ctest: it prints its figures.
"""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start_platform(binary, state_dir):
    # Short windows so a revision is back at zero pods a few seconds after each request.
    process = subprocess.Popen([binary, "local-platform", "--state-dir", state_dir,
                                "--autoscaler", "stable-window=6s",
                                "--autoscaler", "scale-to-zero-grace-period=1s"],
                               stdout=subprocess.PIPE, text=True)
    first = process.stdout.readline()
    if not first.startswith("listening on"):
        sys.exit("local platform did not start: " + first)
    with open(os.path.join(state_dir, "state.json")) as f:
        return process, json.load(f)


def api(state, method, path, body=None):
    request = urllib.request.Request(state["apiUrl"] + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": "Bearer " + state["token"],
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    sys.exit("timed out waiting for " + what)


def pods(state, service):
    path = "/api/v1/namespaces/default/pods?labelSelector=serving.knative.dev%2Fservice%3D" + service
    return api(state, "GET", path)["items"]


def ttfb_ms(url):
    host_port, path = url[len("http://"):].split("/", 1)
    host, port = host_port.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    started = time.perf_counter()
    connection.request("POST", "/" + path, body=b"{}", headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    elapsed = (time.perf_counter() - started) * 1000
    response.read()
    cold = response.getheader("X-Faaswb-Cold")
    connection.close()
    return elapsed, response.status, cold


def measure(state, language, repetitions):
    name = "cold-" + language
    manifest = {"apiVersion": "serving.knative.dev/v1", "kind": "Service", "metadata": {"name": name},
                "spec": {"template": {"spec": {"containers": [{"image": "local/000.noop:" + language}]}}}}
    api(state, "POST", "/apis/serving.knative.dev/v1/namespaces/default/services", manifest)
    service = wait_until(lambda: (lambda s: s if any(c["type"] == "Ready" and c["status"] == "True"
                                                     for c in s.get("status", {}).get("conditions", [])) else None)(
        api(state, "GET", "/apis/serving.knative.dev/v1/namespaces/default/services/" + name)), 60, name + " ready")
    url = service["status"]["address"]["url"]
    warm = [ttfb_ms(url)[0] for _ in range(50)]
    cold = []
    for _ in range(repetitions):
        wait_until(lambda: not pods(state, name), 60, name + " at zero pods")
        elapsed, status, cold_header = ttfb_ms(url)
        if status != 200 or cold_header != "1":
            sys.exit(f"{language}: expected a cold 200, got {status} cold={cold_header}")
        cold.append(elapsed)
    api(state, "DELETE", "/apis/serving.knative.dev/v1/namespaces/default/services/" + name)
    return warm, cold


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, "build", "release", "bin"))
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument("--languages", default="cpp,python,nodejs")
    args = parser.parse_args()
    targets = {"cpp": 15.0, "python": 150.0}
    with tempfile.TemporaryDirectory() as state_dir:
        process, state = start_platform(os.path.join(args.bin, "faas-workbench"), state_dir)
        try:
            print(f"{'language':<8} {'warm p50 ms':>12} {'cold p50 ms':>12} {'cold max ms':>12} {'target':>8}  verdict")
            for language in args.languages.split(","):
                warm, cold = measure(state, language, args.repetitions)
                target = targets.get(language)
                verdict = "n/a" if target is None else ("PASS" if statistics.median(cold) <= target else "FAIL")
                print(f"{language:<8} {statistics.median(warm):>12.2f} {statistics.median(cold):>12.2f} "
                      f"{max(cold):>12.2f} {target if target else '-':>8}  {verdict}")
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
