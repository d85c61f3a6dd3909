"""S3 on port 9000 (moto's S3 backend), with MinIO's health endpoints, for the real-engine tests."""
import signal
import sys

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

# moto_server's own dispatcher: the service comes from the request (S3, its default).
S3 = DomainDispatcherApplication(create_backend_app)
HEALTH = {"/minio/health/live", "/minio/health/ready"}


def app(environ, start_response):
    if environ.get("PATH_INFO") in HEALTH:
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]
    return S3(environ, start_response)


if __name__ == "__main__":
    # PID 1 of a container: the kernel drops signals without a handler, so stop on SIGTERM ourselves.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("S3 stand-in (moto) listening on :9000", flush=True)
    run_simple("0.0.0.0", 9000, app, threaded=True)
