"""Create the PostgreSQL database named by DATABASE_URL when it does not exist (CI, first run)."""

import os
import sys
from urllib.parse import urlparse

url = os.environ.get("DATABASE_URL", "")
if not url.startswith(("postgres://", "postgresql://")):
    sys.exit(0)

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

parsed = urlparse(url)
name = parsed.path.lstrip("/")
admin_url = parsed._replace(path="/postgres").geturl()
with psycopg.connect(admin_url, autocommit=True) as connection:
    exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if not exists:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"Base PostgreSQL « {name} » créée.")
