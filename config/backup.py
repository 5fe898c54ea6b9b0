"""Backups of the database and of the stored files (MEDIA_ROOT), and their restoration.

A backup is a dated folder ``backups/AAAA-MM-JJTHH-MM-SS/`` holding:

- ``database.dump``: PostgreSQL, ``pg_dump --format=custom`` (restored with ``pg_restore``);
  or ``database.sqlite3``: SQLite, a consistent copy made with SQLite's online backup API;
- ``media.tar.gz``: every file under MEDIA_ROOT (pièces déposées, documents produits);
- ``manifest.json``: when, from which kind of database, and the SHA-256 of the two files.

Restoration goes into a database that is new or empty (PostgreSQL: created when missing) and a
files folder that is new or empty: it never mixes a backup with live data. Commands:
``manage.py backup`` and ``manage.py restore`` (``make backup``, ``make restore``)."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.conf import settings
from django.db import connections

POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_ARCHIVE = "media.tar.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or a restoration that cannot be done; the message says why, in French."""


@dataclass(frozen=True)
class PostgresTarget:
    """Where to connect: libpq parameters (what pg_dump, pg_restore and psycopg take)."""

    host: str
    port: str
    user: str
    password: str
    name: str

    @classmethod
    def from_settings(cls, database: dict) -> PostgresTarget:
        return cls(
            host=database.get("HOST") or "127.0.0.1",
            port=str(database.get("PORT") or 5432),
            user=database.get("USER") or "postgres",
            password=database.get("PASSWORD") or "",
            name=database["NAME"],
        )

    @classmethod
    def from_url(cls, url: str) -> PostgresTarget:
        return cls.from_settings(environ.Env.db_url_config(url))

    def arguments(self) -> list[str]:
        return ["--host", self.host, "--port", self.port, "--username", self.user]

    def environment(self) -> dict[str, str]:
        env = {**os.environ}
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def connect(self, *, name: str | None = None):
        import psycopg

        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=name or self.name,
            autocommit=True,
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(command: list[str], *, env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            f"La commande « {command[0]} » est introuvable : installez le client PostgreSQL "
            "(paquet postgresql-client) de la même version que le serveur."
        ) from exc
    if result.returncode != 0:
        raise BackupError(f"« {command[0]} » a échoué : {result.stderr.strip()}")


def _archive_media(media_root: Path, archive: Path) -> int:
    count = 0
    with tarfile.open(archive, "w:gz") as tar:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
                    count += 1
    return count


def backup(*, destination: Path, alias: str = "default") -> Path:
    """Back the database ``alias`` and MEDIA_ROOT up into a new dated folder under
    ``destination``; returns that folder. Raises BackupError (French message)."""
    database = settings.DATABASES[alias]
    vendor = connections[alias].vendor
    stamp = datetime.datetime.now().astimezone().strftime("%Y-%m-%dT%H-%M-%S")
    folder = Path(destination) / stamp
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = Path(destination) / f"{stamp}-{suffix}"
    folder.mkdir(parents=True)
    if vendor == "postgresql":
        target = PostgresTarget.from_settings(database)
        dump = folder / POSTGRES_DUMP
        _run(
            ["pg_dump", "--format=custom", "--file", str(dump), *target.arguments(), target.name],
            env=target.environment(),
        )
    elif vendor == "sqlite":
        dump = folder / SQLITE_COPY
        name = str(database["NAME"])
        # A "file:" URI is an in-memory test database shared within this process.
        source = sqlite3.connect(name, uri=name.startswith("file:"))
        copy = sqlite3.connect(str(dump))
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        raise BackupError(f"Sauvegarde impossible : base « {vendor} » non prise en charge.")
    media = folder / MEDIA_ARCHIVE
    files = _archive_media(Path(settings.MEDIA_ROOT), media)
    manifest = {
        "created_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "database": {"vendor": vendor, "file": dump.name, "sha256": _sha256(dump)},
        "media": {"file": media.name, "files": files, "sha256": _sha256(media)},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return folder


def _read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise BackupError(f"« {folder} » n'est pas une sauvegarde (pas de {MANIFEST}).")
    manifest = json.loads(path.read_text())
    for part in ("database", "media"):
        file = Path(folder) / manifest[part]["file"]
        if not file.is_file() or _sha256(file) != manifest[part]["sha256"]:
            raise BackupError(f"La sauvegarde est altérée : « {file.name} » manque ou a changé.")
    return manifest


def _restore_postgres(dump: Path, target: PostgresTarget) -> None:
    from psycopg import sql

    with target.connect(name="postgres") as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [target.name]
        ).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.name)))
    with target.connect() as connection:
        tables = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    if tables:
        raise BackupError(
            f"La base « {target.name} » n'est pas vide ({tables} tables) : restaurez dans une "
            "base neuve, jamais par-dessus des données."
        )
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
         "--dbname", target.name, *target.arguments(), str(dump)],
        env=target.environment(),
    )  # fmt: skip


def _restore_sqlite(copy: Path, path: Path) -> None:
    if path.exists() and path.stat().st_size > 0:
        raise BackupError(
            f"Le fichier « {path} » existe déjà : restaurez dans un fichier neuf, jamais "
            "par-dessus des données."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(copy, path)


def restore(*, source: Path, database_url: str, media_root: Path) -> dict:
    """Restore the backup folder ``source`` into the new or empty database ``database_url``
    (``postgres://…`` or ``sqlite:///…``) and the new or empty folder ``media_root``; returns
    the backup's manifest. Raises BackupError (French message) and then changes nothing."""
    manifest = _read_manifest(Path(source))
    media_root = Path(media_root)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(
            f"Le dossier de fichiers « {media_root} » n'est pas vide : restaurez dans un dossier "
            "neuf, jamais par-dessus des fichiers."
        )
    dump = Path(source) / manifest["database"]["file"]
    scheme = urlsplit(database_url).scheme
    if manifest["database"]["vendor"] == "postgresql":
        if scheme not in ("postgres", "postgresql"):
            raise BackupError("Cette sauvegarde PostgreSQL se restaure dans une base PostgreSQL.")
        _restore_postgres(dump, PostgresTarget.from_url(database_url))
    else:
        if scheme != "sqlite":
            raise BackupError("Cette sauvegarde SQLite se restaure dans un fichier SQLite.")
        _restore_sqlite(dump, Path(environ.Env.db_url_config(database_url)["NAME"]))
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(Path(source) / manifest["media"]["file"], "r:gz") as tar:
        tar.extractall(media_root, filter="data")
    return manifest
