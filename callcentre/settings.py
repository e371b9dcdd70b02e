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

    [region]                 # leave out for Tianjin (the built-in region)
    name = "海州市"
    area_code = "0518"       # a bare local number (local_digits long) is a landline here
    local_digits = 8
    service_numbers = ["96599966", "96599977", "96599988"]
    own_names = ["海州市", "海州"]   # how addresses name the region itself (default: name)
    districts_file = "districts.csv" # relative to this file; or list them inline:

    [[region.districts]]
    code = "320701"
    name = "海东区"          # its short name 海东 is added by itself
    aliases = ["东城"]
    old_names = ["海东县"]   # read as 海东区, flagged district_alias
    old_codes = ["320721"]

    [[region.zones]]         # optional: a zone named without its district
    name = "海州开发区"
    district = "320701"
    spellings = ["海州开发区", "海开区"]

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

The region (:class:`sampling.identifiers.region.RegionFacts`) gives the districts
that list files are read against, the area of bare local phone numbers and the
district names shown in reports; without ``[region]`` it is Tianjin. A region other
than 天津市 must list its districts, inline or in ``districts_file``: a CSV file
(UTF-8) with the columns ``code,name,aliases,old_names,old_codes`` (or 代码, 名称,
别名, 旧名, 旧代码), several values in one cell separated by ``;`` or ``、``, or a
TOML file of ``[[districts]]`` (and ``[[zones]]``) tables as above. The importer
passes the region to its helper processes; none of them reads settings itself.

A value of the wrong type or shape is a Chinese message naming the file and the
key, never a traceback. Nothing else in the application reads the environment.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from typing import Any

from callcentre.errors import InvalidInput
from sampling.identifiers.region import TIANJIN, DistrictFacts, RegionFacts, Zone, short_name

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


#: Facts of the region whose enterprises are surveyed (name, area code, service
#: numbers, districts): one immutable object, passed on to whatever needs it.
Region = RegionFacts


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
    region: RegionFacts = TIANJIN
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
        changes["region"] = _region(reader.table("region"))
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


_AREA_CODE = re.compile(r"0[1-9][0-9]{1,2}")
_DIVISION_CODE = re.compile(r"[1-9][0-9]{5}")
_LIST_SPLIT = re.compile(r"[;；、]")
#: CSV headers of a districts file, English or Chinese
_CSV_FIELDS = {"code": "code", "代码": "code", "name": "name", "名称": "name",
               "aliases": "aliases", "别名": "aliases", "old_names": "old_names",
               "旧名": "old_names", "old_codes": "old_codes", "旧代码": "old_codes"}


def _region(region: _Reader) -> RegionFacts:
    """``[region]``: Tianjin's facts with what the table changes; a region by another
    name brings its own districts."""
    name = region.text("name", TIANJIN.name)
    area_code = region.text("area_code", TIANJIN.area_code)
    if not _AREA_CODE.fullmatch(area_code):
        raise region.bad("area_code", "0 + 2-3 digits (022)")
    local_digits = region.integer("local_digits", TIANJIN.local_digits, minimum=7)
    if local_digits > 8:
        raise region.bad("local_digits", "7 or 8")
    service = tuple(region.texts("service_numbers", list(TIANJIN.service_numbers)))
    if "districts" in region.data and "districts_file" in region.data:
        raise region.bad("districts_file", "districts or districts_file, not both")
    if "districts_file" in region.data:
        districts, zones = _districts_file(region)
    elif "districts" in region.data:
        districts = tuple(_district(d) for d in region.tables("districts"))
        zones = tuple(_zone(z) for z in region.tables("zones")) if "zones" in region.data else ()
    elif name == TIANJIN.name:
        districts, zones = TIANJIN.districts, TIANJIN.zones
    else:
        raise region.bad("districts", "the districts of " + name)
    default_own = TIANJIN.own_names if name == TIANJIN.name else (
        (name, name[:-1]) if name.endswith("市") and len(name) >= 3 else (name,))
    own_names = tuple(region.texts("own_names", list(default_own)))
    try:
        return RegionFacts(name=name, area_code=area_code, service_numbers=service,
                           districts=districts, zones=zones, own_names=own_names,
                           local_digits=local_digits)
    except ValueError as exc:
        raise region.bad("districts", str(exc)) from None


def _district(d: _Reader) -> DistrictFacts:
    code = d.text("code")
    if not _DIVISION_CODE.fullmatch(code):
        raise d.bad("code", "six digits (GB/T 2260)")
    name = d.text("name")
    aliases = [a for a in d.texts("aliases", []) if a]
    short = short_name(name)
    if short is not None and short not in aliases:
        aliases.insert(0, short)
    old_codes = [c for c in d.texts("old_codes", []) if c]
    if not all(_DIVISION_CODE.fullmatch(c) for c in old_codes):
        raise d.bad("old_codes", "six digits (GB/T 2260)")
    return DistrictFacts(code, name, tuple(aliases),
                         tuple(a for a in d.texts("old_names", []) if a), tuple(old_codes))


def _zone(z: _Reader) -> Zone:
    name = z.text("name")
    return Zone(name, z.text("district"), tuple(z.texts("spellings", [name])))


def _districts_file(region: _Reader) -> tuple[tuple[DistrictFacts, ...], tuple[Zone, ...]]:
    """The districts (and zones) of ``districts_file``: CSV or TOML (module notes)."""
    path = Path(region.text("districts_file")).expanduser()
    if not path.is_absolute():
        path = region.path.parent / path
    if not path.is_file():
        raise InvalidInput("settings.districts_file_missing", file=str(path),
                           config=str(region.path))
    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix.lower() == ".toml":
            table = _Reader(path, tomllib.loads(text))
            return (tuple(_district(d) for d in table.tables("districts")),
                    tuple(_zone(z) for z in table.tables("zones"))
                    if "zones" in table.data else ())
        rows = list(csv.DictReader(io.StringIO(text)))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, csv.Error) as exc:
        raise InvalidInput("settings.unreadable", file=str(path), detail=str(exc)) from None
    districts = []
    for number, row in enumerate(rows, start=2):
        fields = {_CSV_FIELDS.get((k or "").strip(), ""): (v or "").strip()
                  for k, v in row.items() if isinstance(v, str)}
        if not any(fields.values()):
            continue
        values: dict[str, Any] = {k: fields.get(k, "") for k in ("code", "name")}
        for key in ("aliases", "old_names", "old_codes"):
            values[key] = [p.strip() for p in _LIST_SPLIT.split(fields.get(key, ""))
                           if p.strip()]
        districts.append(_district(_Reader(path, values, f"row {number}: ")))
    if not districts:
        raise InvalidInput("settings.bad_value", file=str(path), key="code,name",
                           value="''", expected="one row per district")
    return tuple(districts), ()


class _Reader:
    """Typed access to one table of the config file; errors name file and key."""

    def __init__(self, path: Path, data: Mapping[str, Any], prefix: str = "") -> None:
        self.path, self.data, self.prefix = path, data, prefix

    def bad(self, key: str, expected: str) -> InvalidInput:
        return InvalidInput("settings.bad_value", file=str(self.path), key=self.prefix + key,
                            value=repr(self.data.get(key)), expected=expected)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.bad(key, "text")
        return value.strip()

    def texts(self, key: str, default: list[str]) -> list[str]:
        value = self.data.get(key, default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.bad(key, "list of text")
        return [v.strip() for v in value]

    def integer(self, key: str, default: int, *, minimum: int) -> int:
        value = self.data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.bad(key, f"integer >= {minimum}")
        return value

    def window(self, text: str) -> Window:
        try:
            start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError:
            raise self.bad("windows", "HH:MM-HH:MM") from None
        if end <= start:
            raise self.bad("windows", "HH:MM-HH:MM")
        return Window(start, end)

    def table(self, key: str) -> _Reader:
        value = self.data.get(key)
        if not isinstance(value, dict):
            raise self.bad(key, "table")
        return _Reader(self.path, value, f"{self.prefix}{key}.")

    def tables(self, key: str) -> list[_Reader]:
        value = self.data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.bad(key, "array of tables")
        return [_Reader(self.path, v, f"{self.prefix}{key}[{i}].") for i, v in enumerate(value)]
