# Strata's Python runtime: speaks the Lambda Runtime API (2018-06-01) with the standard library only,
# and calls a handler written for AWS Lambda ("module.function", loaded from LAMBDA_TASK_ROOT).
import http.client
import importlib
import json
import os
import sys
import time
import traceback

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
HOST, PORT = API.rsplit(":", 1)
BASE = "/2018-06-01/runtime"
conn = http.client.HTTPConnection(HOST, int(PORT))


def request(method, path, body=None, headers=None):
    global conn
    for attempt in range(2):
        try:
            conn.request(method, BASE + path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp, resp.read()
        except (http.client.HTTPException, ConnectionError):
            conn.close()
            conn = http.client.HTTPConnection(HOST, int(PORT))
            if attempt == 1:
                raise


def error_body(exc):
    return json.dumps(
        {
            "errorMessage": str(exc),
            "errorType": type(exc).__name__,
            "requestId": "",
            "stackTrace": traceback.format_tb(exc.__traceback__),
        }
    ).encode()


class Context:
    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        cc = headers.get("Lambda-Runtime-Client-Context")
        self.client_context = json.loads(cc) if cc else None
        ci = headers.get("Lambda-Runtime-Cognito-Identity")
        self.identity = json.loads(ci) if ci else None

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def load_handler():
    spec = os.environ["_HANDLER"]
    module_name, _, function_name = spec.rpartition(".")
    if not module_name:
        raise ValueError("Bad handler '%s': expected module.function" % spec)
    sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
    module = importlib.import_module(module_name.replace("/", "."))
    handler = getattr(module, function_name, None)
    if handler is None:
        raise AttributeError("Handler '%s' missing on module '%s'" % (function_name, module_name))
    return handler


def main():
    # Whole lines reach the platform as they are printed (and each line in one write).
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)
    try:
        handler = load_handler()
    except Exception as exc:  # reported to the platform, which fails the invocation
        kind = "Runtime.ImportModuleError" if isinstance(exc, ImportError) else "Runtime.HandlerNotFound"
        body = json.loads(error_body(exc))
        body["errorType"] = kind
        request("POST", "/init/error", json.dumps(body).encode(),
                {"Lambda-Runtime-Function-Error-Type": kind, "Content-Type": "application/json"})
        sys.exit(1)
    while True:
        resp, event = request("GET", "/invocation/next")
        headers = {k.title(): v for k, v in resp.getheaders()}
        request_id = headers["Lambda-Runtime-Aws-Request-Id"]
        trace = headers.get("Lambda-Runtime-Trace-Id")
        if trace:
            os.environ["_X_AMZN_TRACE_ID"] = trace
        try:
            result = handler(json.loads(event) if event else None, Context(headers))
            out = json.dumps(result).encode()
        except Exception as exc:
            sys.stdout.flush()
            print("[ERROR] %s: %s" % (type(exc).__name__, exc), flush=True)
            request("POST", "/invocation/%s/error" % request_id, error_body(exc),
                    {"Lambda-Runtime-Function-Error-Type": "Runtime.UserException" if not isinstance(exc, MemoryError) else "Runtime.OutOfMemory",
                     "Content-Type": "application/json"})
            continue
        sys.stdout.flush()
        request("POST", "/invocation/%s/response" % request_id, out,
                {"Content-Type": "application/json"})


if __name__ == "__main__":
    main()
