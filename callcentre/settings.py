"""One settings object for the whole application.

Read, in rising precedence, from built-in defaults, a TOML config file, the
environment, and explicit overrides (command-line options)::

    callcentre.toml                      in the working directory, else
    $XDG_CONFIG_HOME/callcentre/config.toml   (~/.config/callcentre/config.toml)
    CALLCENTRE_CONFIG=path               names another file

    CALLCENTRE_DB, CALLCENTRE_LANG, CALLCENTRE_WAVE   environment variables

An example file::

    database = "postgresql://cc@dbhost/survey"
    language = "zh"
    wave = "2022"            # overrides the database's current wave for this user

    [region]
    name = "天津市"
    area_code = "022"
    service_numbers = ["96599966", "96599977", "96599988"]

    [[lines]]
    number = "96599966"
    max_calls = 10

    [calling]
    windows = ["09:00-12:00", "13:30-17:30"]
    timezone = "Asia/Shanghai"
    lease_minutes = 15
    max_attempts = 6

    [keymap]
    "case.dial" = "d"

    [fieldwork]              # scheduler rules, retry delays, custom outcomes
    max_attempts_per_day = 2 # (all keys: callcentre.fieldwork.config)
    [fieldwork.retry]
    busy = { minutes = 20 }

A value of the wrong type or shape is a Chinese message naming the file and the
key, never a traceback. Nothing else in the application reads the environment.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from typing import Any

from callcentre.errors import InvalidInput

ENV_DB = "CALLCENTRE_DB"
ENV_LANG = "CALLCENTRE_LANG"
ENV_WAVE = "CALLCENTRE_WAVE"
ENV_CONFIG = "CALLCENTRE_CONFIG"
ENV_USER = "CALLCENTRE_USER"
ENV_PASSWORD = "CALLCENTRE_PASSWORD"
CONFIG_NAME = "callcentre.toml"
DEFAULT_SQLITE = "callcentre.db"

#: the evaluation's outbound numbers (DESIGN §1)
DEFAULT_LINES = ("96599966", "96599977", "96599988")


@dataclass(frozen=True)
class Line:
    """An outbound number and how many calls it carries at once."""

    number: str
    max_calls: int = 10


@dataclass(frozen=True)
class Window:
    """A daily calling window, local time (``start`` inclusive, ``end`` exclusive)."""

    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class Region:
    """Facts of the region whose enterprises are surveyed."""

    name: str = "天津市"
    area_code: str = "022"
    service_numbers: tuple[str, ...] = DEFAULT_LINES


@dataclass(frozen=True)
class Calling:
    """Fieldwork rules that a supervisor may change."""

    timezone: str = "Asia/Shanghai"
    windows: tuple[Window, ...] = (Window(time(9, 0), time(12, 0)),
                                   Window(time(13, 30), time(17, 30)))
    lease_minutes: int = 15
    max_attempts: int = 6


@dataclass(frozen=True)
class Settings:
    """Everything configurable, resolved once per process (or per command)."""

    db_url: str = f"sqlite:///{DEFAULT_SQLITE}"
    #: False when nobody named a database and the default file in the working
    #: directory is used: commands say so, and refuse to create it silently
    db_explicit: bool = False
    language: str = "zh"
    #: a wave chosen for this user or command; None: the database's current wave
    wave: str | None = None
    region: Region = field(default_factory=Region)
    lines: tuple[Line, ...] = tuple(Line(n) for n in DEFAULT_LINES)
    calling: Calling = field(default_factory=Calling)
    keymap: Mapping[str, str] = field(default_factory=dict)
    #: the ``[fieldwork]`` table as written (checked on reading; see
    #: :mod:`callcentre.fieldwork.config`): retry delays, custom outcomes, scheduler limits
    fieldwork: Mapping[str, Any] = field(default_factory=dict)
    config_file: Path | None = None
    #: a script's log-in (environment only, never from the config file)
    user: str | None = None
    password: str | None = None
    #: where the command line keeps its log-in tokens
    state_dir: Path = field(default_factory=lambda: Path.home() / ".config" / "callcentre")

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the non-None ``changes`` applied (command-line options)."""
        given = {k: v for k, v in changes.items() if v is not None}
        if "db_url" in given:
            given.setdefault("db_explicit", True)
        return replace(self, **given)


def config_candidates(cwd: Path, env: Mapping[str, str]) -> list[Path]:
    """Where a config file is looked for, first found wins."""
    if env.get(ENV_CONFIG):
        return [Path(env[ENV_CONFIG]).expanduser()]
    return [cwd / CONFIG_NAME, _config_home(env) / "callcentre" / "config.toml"]


def _config_home(env: Mapping[str, str]) -> Path:
    return Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def load_settings(*, cwd: Path | None = None, env: Mapping[str, str] | None = None,
                  **overrides: Any) -> Settings:
    """Defaults < config file < environment < ``overrides`` (None means not given)."""
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    settings = Settings()
    for path in config_candidates(cwd, env):
        if path.is_file():
            settings = _apply_file(settings, path)
            break
        if env.get(ENV_CONFIG):  # named explicitly but missing
            raise InvalidInput("settings.file_missing", file=str(path))
    from_env: dict[str, Any] = {}
    if env.get(ENV_DB):
        from_env["db_url"] = env[ENV_DB]
    if env.get(ENV_LANG):
        from_env["language"] = env[ENV_LANG]
    if env.get(ENV_WAVE):
        from_env["wave"] = env[ENV_WAVE]
    if env.get(ENV_USER):
        from_env["user"] = env[ENV_USER]
        from_env["password"] = env.get(ENV_PASSWORD, "")
    from_env["state_dir"] = _config_home(env) / "callcentre"
    settings = settings.with_overrides(**from_env).with_overrides(**overrides)
    if settings.language not in ("zh", "en"):
        raise InvalidInput("settings.bad_language", value=settings.language)
    return settings


def _apply_file(settings: Settings, path: Path) -> Settings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput("settings.unreadable", file=str(path), detail=str(exc)) from None
    reader = _Reader(path, data)
    changes: dict[str, Any] = {"config_file": path}
    if "database" in data:
        changes["db_url"] = reader.text("database")
        changes["db_explicit"] = True
    if "language" in data:
        changes["language"] = reader.text("language")
    if "wave" in data:
        changes["wave"] = reader.text("wave")
    if "region" in data:
        region = reader.table("region")
        changes["region"] = Region(
            name=region.text("name", Region.name),
            area_code=region.text("area_code", Region.area_code),
            service_numbers=tuple(region.texts("service_numbers", list(DEFAULT_LINES))),
        )
    if "lines" in data:
        changes["lines"] = tuple(
            Line(number=line.text("number"), max_calls=line.integer("max_calls", 10, minimum=1))
            for line in reader.tables("lines"))
    if "calling" in data:
        calling = reader.table("calling")
        changes["calling"] = Calling(
            timezone=calling.text("timezone", Calling.timezone),
            windows=tuple(calling.window(w) for w in calling.texts(
                "windows", [str(w) for w in Calling().windows])),
            lease_minutes=calling.integer("lease_minutes", Calling.lease_minutes, minimum=1),
            max_attempts=calling.integer("max_attempts", Calling.max_attempts, minimum=1),
        )
    if "keymap" in data:
        keymap = reader.table("keymap")
        changes["keymap"] = {k: keymap.text(k) for k in keymap.data}
    if "fieldwork" in data:
        from callcentre.fieldwork.config import ConfigError, fieldwork_config

        table = reader.table("fieldwork").data
        try:
            fieldwork_config(table)
        except ConfigError as exc:
            raise InvalidInput("settings.bad_fieldwork", file=str(path),
                               detail=exc.notice.text()) from None
        changes["fieldwork"] = dict(table)
    return replace(settings, **changes)


class _Reader:
    """Typed access to one table of the config file; errors name file and key."""

    def __init__(self, path: Path, data: Mapping[str, Any], prefix: str = "") -> None:
        self.path, self.data, self.prefix = path, data, prefix

    def _bad(self, key: str, expected: str) -> InvalidInput:
        return InvalidInput("settings.bad_value", file=str(self.path), key=self.prefix + key,
                            value=repr(self.data.get(key)), expected=expected)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self._bad(key, "text")
        return value.strip()

    def texts(self, key: str, default: list[str]) -> list[str]:
        value = self.data.get(key, default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._bad(key, "list of text")
        return [v.strip() for v in value]

    def integer(self, key: str, default: int, *, minimum: int) -> int:
        value = self.data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self._bad(key, f"integer >= {minimum}")
        return value

    def window(self, text: str) -> Window:
        try:
            start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError:
            raise self._bad("windows", "HH:MM-HH:MM") from None
        if end <= start:
            raise self._bad("windows", "HH:MM-HH:MM")
        return Window(start, end)

    def table(self, key: str) -> _Reader:
        value = self.data.get(key)
        if not isinstance(value, dict):
            raise self._bad(key, "table")
        return _Reader(self.path, value, f"{self.prefix}{key}.")

    def tables(self, key: str) -> list[_Reader]:
        value = self.data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self._bad(key, "array of tables")
        return [_Reader(self.path, v, f"{self.prefix}{key}[{i}].") for i, v in enumerate(value)]
