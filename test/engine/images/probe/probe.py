#!/usr/bin/python3
"""Probe app of the real-engine tests: exercises the environment contract a webcluster stack gives
the app (database, each Redis data class, S3) in the role its command selects.

  probe web        HTTP on :8000 (app, admin)     probe init       one-shot set-up (migrations)
  probe worker     heartbeat every 2 s            probe scheduler  heartbeat every 2 s

With PROBE_STATELESS=1 the web role needs no data store: every path answers with the replica's
name (for load-balancer tests such as sticky sessions).
"""
import json
import os
import signal
import socket
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pymysql
import redis
from botocore.config import Config

NAME = socket.gethostname()
STATELESS = os.environ.get("PROBE_STATELESS") == "1"
PORT = 8000
HEALTH_PATH = "/api/_info/health-check"
# Redis data classes of the Shopware contract, by variable; the cache is optional (an app keeps
# answering while its cache restarts).
REDIS_VARIABLES = {
    "cache": "REDIS_CACHE_URL",
    "sessions": "REDIS_SESSION_URL",
    "critical": "REDIS_CART_URL",
    "queue": "MESSENGER_TRANSPORT_DSN",
}
OPTIONAL = {"cache"}


def log(**fields):
    print(json.dumps({"probe": NAME, **fields}), flush=True)


def database():
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return pymysql.connect(
        host=url.hostname,
        port=url.port or 3306,
        user=urllib.parse.unquote(url.username),
        password=urllib.parse.unquote(url.password or ""),
        database=url.path.lstrip("/"),
        connect_timeout=3,
        read_timeout=5,
        write_timeout=5,
        autocommit=True,
    )


def redis_client(data_class):
    url = urllib.parse.urlsplit(os.environ[REDIS_VARIABLES[data_class]])
    # Symfony's DSNs carry a path after the host (messenger's stream name): keep host, port, db 0.
    return redis.Redis(host=url.hostname, port=url.port or 6379, socket_timeout=2, socket_connect_timeout=2)


S3_CLIENT = None
S3_LOCK = threading.Lock()


def s3():
    """One client per process: creating clients is not thread-safe, using one is."""
    global S3_CLIENT
    with S3_LOCK:
        if S3_CLIENT is None:
            S3_CLIENT = new_s3_client()
        return S3_CLIENT


def new_s3_client():
    return boto3.client(
        "s3",
        endpoint_url=os.environ["SHOPWARE_S3_ENDPOINT"],
        region_name=os.environ.get("SHOPWARE_S3_REGION", "us-east-1"),
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}, connect_timeout=3, read_timeout=5),
    )


def with_database(action, attempts=1):
    for attempt in range(attempts):
        try:
            conn = database()
            try:
                with conn.cursor() as cursor:
                    return action(cursor)
            finally:
                conn.close()
        except pymysql.MySQLError as error:
            if attempt == attempts - 1:
                raise
            log(waiting_for="database", error=str(error))
            time.sleep(2)


def migrated(cursor):
    cursor.execute("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'probe_migrations'")
    if cursor.fetchone()[0] == 0:
        return False
    cursor.execute("SELECT COUNT(*) FROM probe_migrations")
    return cursor.fetchone()[0] > 0


def init():
    def migrate(cursor):
        cursor.execute("CREATE TABLE IF NOT EXISTS probe_migrations (id INT AUTO_INCREMENT PRIMARY KEY, host VARCHAR(64), at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP(3))")
        cursor.execute("CREATE TABLE IF NOT EXISTS probe_hits (id INT AUTO_INCREMENT PRIMARY KEY, host VARCHAR(64), at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP(3))")
        cursor.execute("CREATE TABLE IF NOT EXISTS probe_heartbeats (id INT AUTO_INCREMENT PRIMARY KEY, role VARCHAR(16), host VARCHAR(64), at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP(3))")
        cursor.execute("CREATE TABLE IF NOT EXISTS probe_records (k VARCHAR(64) PRIMARY KEY, v VARCHAR(255))")
        cursor.execute("INSERT INTO probe_migrations (host) VALUES (%s)", (NAME,))

    with_database(migrate, attempts=30)
    log(role="init", result="migrated")


def heartbeat(role):
    while True:
        try:
            with_database(lambda c: c.execute("INSERT INTO probe_heartbeats (role, host) VALUES (%s, %s)", (role, NAME)))
        except pymysql.MySQLError as error:
            log(role=role, error=str(error))
        time.sleep(2)


def contract():
    """One request's worth of the contract: a row, a key per Redis class, an object."""
    result = {"replica": NAME}

    def hit(cursor):
        cursor.execute("INSERT INTO probe_hits (host) VALUES (%s)", (NAME,))
        cursor.execute("SELECT COUNT(*) FROM probe_hits WHERE id = LAST_INSERT_ID()")
        return cursor.fetchone()[0]

    result["database"] = "ok" if with_database(hit) == 1 else "row not read back"
    result["redis"] = {}
    for data_class in REDIS_VARIABLES:
        key, value = f"probe:{NAME}:{data_class}:{uuid.uuid4()}", str(time.time())
        try:
            client = redis_client(data_class)
            client.set(key, value, ex=60)
            ok = client.get(key) == value.encode()
            client.delete(key)
            result["redis"][data_class] = "ok" if ok else "value not read back"
        except redis.RedisError as error:
            result["redis"][data_class] = f"unavailable: {error}"
    client = s3()
    bucket, key = os.environ["SHOPWARE_S3_PRIVATE_BUCKET"], f"probe/{NAME}/{uuid.uuid4()}"
    client.put_object(Bucket=bucket, Key=key, Body=NAME.encode())
    result["s3"] = "ok" if client.get_object(Bucket=bucket, Key=key)["Body"].read() == NAME.encode() else "object not read back"
    client.delete_object(Bucket=bucket, Key=key)
    failed = [c for c, v in result["redis"].items() if v != "ok" and c not in OPTIONAL]
    result["ok"] = result["database"] == "ok" and result["s3"] == "ok" and not failed
    return result


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path, _, query = self.path.partition("?")
        params = dict(urllib.parse.parse_qsl(query))
        try:
            if path == HEALTH_PATH:
                self.answer(200, {"replica": NAME, "healthy": True})
            elif path == "/whoami":
                self.answer(200, {"replica": NAME})
            elif path.startswith("/probe/session/"):
                self.session(path.rsplit("/", 1)[1], params.get("value"))
            elif path.startswith("/probe/record/"):
                self.record(path.rsplit("/", 1)[1], params.get("value"))
            elif STATELESS:
                self.answer(200, {"replica": NAME})
            elif path.startswith("/admin"):
                self.answer(200, {"replica": NAME, "area": "admin"})
            else:
                result = contract()
                self.answer(200 if result["ok"] else 500, result)
        except Exception as error:  # the probe reports any failure as a 500 with its reason
            self.answer(500, {"replica": NAME, "error": f"{type(error).__name__}: {error}"})

    def session(self, key, value):
        client = redis_client("sessions")
        if value is not None:
            client.set(f"probe:session:{key}", value)
        stored = client.get(f"probe:session:{key}")
        self.answer(200 if stored is not None else 404, {"replica": NAME, "value": stored.decode() if stored else None})

    def record(self, key, value):
        def act(cursor):
            if value is not None:
                cursor.execute("REPLACE INTO probe_records (k, v) VALUES (%s, %s)", (key, value))
            cursor.execute("SELECT v FROM probe_records WHERE k = %s", (key,))
            row = cursor.fetchone()
            return row[0] if row else None

        stored = with_database(act)
        self.answer(200 if stored is not None else 404, {"replica": NAME, "value": stored})

    def log_message(self, fmt, *args):
        log(request=self.requestline, status=args[1] if len(args) > 1 else None)


def web():
    if not STATELESS and not with_database(migrated, attempts=30):
        log(role="web", error="the one-shot init has not run: refusing to serve")
        sys.exit(1)
    log(role="web", listening=PORT)
    ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()


if __name__ == "__main__":
    # PID 1 of a container: the kernel drops signals without a handler, so stop on SIGTERM ourselves.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    role = sys.argv[1] if len(sys.argv) > 1 else "web"
    {"web": web, "init": init, "worker": lambda: heartbeat("worker"), "scheduler": lambda: heartbeat("scheduler")}[role]()
