"""Districts (GB/T 2260): codes, names, old names and functional zones.

The facts come from a :class:`~sampling.identifiers.region.RegionFacts` (Tianjin,
:data:`~sampling.identifiers.region.TIANJIN`, unless the settings name another
region); :func:`district_rules` builds the rules of one region once, and the
module-level functions are Tianjin's. For Tianjin:

:func:`normalise_district` maps a district cell to its six-digit code.  It accepts

* the code itself, as text or as a number (``120101``, ``"120101"``, the 12-digit
  statistical form ``"120101000000"``), including the old codes of abolished
  counties and districts (``district_alias``);
* the name (``和平区``), the short name without ``区`` (``和平``), with any
  ``中国``/``天津市``/``天津`` prefix, and a longer address that contains one
  (``天津市和平区南京路``);
* old names: ``蓟县`` -> 蓟州区, ``宁河县``, ``静海县``, ``宝坻县``, ``武清县`` -> their
  ``区``, ``塘沽``/``汉沽``/``大港`` -> 滨海新区 (``district_alias``);
* functional zones inside 滨海新区 -> 120116 with ``zone`` set (``district_zone``).

A bare ``开发区`` (or ``经济技术开发区``/``经开区``) names no district -- Tianjin has
several -- so the code stays None (``district_ambiguous_kaifaqu``) unless a district
is named as well: ``西青开发区`` is 西青区.  ``天津开发区`` is the official short name
of the 天津经济技术开发区 (TEDA) and maps there.  An explicit district name beats a
zone (``南开区华苑街道`` is 南开区, although 华苑 is also a part of 滨海高新区).
Two different districts in one cell give ``district_multiple`` and no code.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from sampling.identifiers.region import PROVINCES, TIANJIN, RegionFacts


@dataclass(frozen=True, slots=True)
class District:
    """Result of :func:`normalise_district`.

    Attributes
    ----------
    code : str or None
        Six-digit GB/T 2260 code of a current district, or None.
    name : str or None
        Its current name.
    zone : str or None
        The functional zone, when one was named (a zone's name, e.g. a key of
        :data:`ZONES`).
    reasons : tuple of str
        Reason codes.
    """

    code: str | None
    name: str | None
    zone: str | None
    reasons: tuple[str, ...]


# A name followed by one of these is a street, not the place: 河北路 and 西青道 lie in
# 和平区 and 南开区 ("天津市和平区河北路" names one district).
_STREET = "(?![路道街里巷弄]|大街|大道|胡同|公路|支路|东路|西路|南路|北路)"
_WS_RE = re.compile(r"\s+")
# six digits (GB/T 2260), or the 9- and 12-digit statistical division codes of a
# township or street (120117022, 120117022000): the first six name the district
_CODE_RE = re.compile(r"[0-9]{6}(?:[0-9]{3}(?:[0-9]{3})?)?")

_MISSING = District(None, None, None, ("district_missing",))
_UNKNOWN = District(None, None, None, ("district_unknown",))
_FROM_ADDRESS = ("district_from_address",)
_OUTSIDE = District(None, None, None, ("address_outside_tianjin",))


class DistrictRules:
    """The district rules of one region, compiled once (see the module notes).

    Build it with :func:`district_rules`, which keeps one per region: the alias
    table, the scanning regular expressions and the caches are made here, never per
    row.
    """

    def __init__(self, region: RegionFacts) -> None:
        self.region = region
        self.names = region.district_names
        # alias -> (code, zone, is_old_name).  Names and short names first; zones and
        # old names may not override them.
        aliases: dict[str, tuple[str, str | None, bool]] = {}
        for d in region.districts:
            for spelling in (d.name, *d.aliases):
                aliases[spelling.upper()] = (d.code, None, False)
        for d in region.districts:
            for old in d.old_names:
                aliases.setdefault(old.upper(), (d.code, None, True))
        for zone in region.zones:
            for sp in zone.spellings:
                aliases.setdefault(sp.upper(), (zone.district, zone.name, False))
        self.aliases = aliases
        # The city's own name is consumed as a token of its own so that it cannot lend
        # its second character to a district: "天津南开区" is 南开区, not 津南区.  Zones
        # whose spelling starts with 天津 are longer and so still win ("天津开发区" is
        # TEDA).
        skip = self.skip = frozenset(n.upper() for n in region.own_names)
        provinces = set(PROVINCES)
        # Longest alias first, so that at each position the longest spelling wins
        # ("滨海高新区" before "高新区", "河西区" before "河西").  A short name that is
        # also a province's ("河北") followed by "省" is the province, not the
        # district; a short name (no 区 / 县) followed by a street word is a street.
        self.scan_re = re.compile(
            "|".join(
                re.escape(a) + ("(?!省)" if a + "省" in provinces else "")
                + (_STREET if a not in skip and not a.endswith(("区", "县")) else "")
                for a in sorted((*aliases, *sorted(skip)), key=len, reverse=True)
            )
        )
        # An address outside the region: it starts with another province, region or
        # city.
        own = "|".join(re.escape(n) for n in region.own_names)
        others = [p for p in PROVINCES
                  if not any(p.startswith(n) or n.startswith(p) for n in region.own_names)]
        self.elsewhere_re = re.compile(
            r"(?:中国)?(?:" + "".join(re.escape(p) + "|" for p in others)
            + (f"(?!{own})" if own else "")
            + r"[\u4e00-\u9fff]{2,5}(?:省|自治区|自治州|市))")
        self.ambiguous = region.ambiguous_zone_words
        self.text_of = lru_cache(maxsize=4096)(self._from_text)
        self.address_of = lru_cache(maxsize=1 << 14)(self._address_text)

    def _from_code(self, code: str) -> District:
        current = self.region.current_code(code)
        if current is None:
            return _UNKNOWN
        return District(current, self.names[current], None,
                        () if current == code else ("district_alias",))

    def _from_text(self, text: str) -> District:
        s = _WS_RE.sub("", unicodedata.normalize("NFKC", text)).upper()
        if not s:
            return _MISSING
        if s.isdigit():
            if _CODE_RE.fullmatch(s):
                return self._from_code(s[:6])
            return _UNKNOWN
        aliases = self.aliases
        exact = aliases.get(s)
        if exact is not None:
            hits = [exact]
        else:
            skip = self.skip
            hits = [aliases[m] for m in self.scan_re.findall(s) if m not in skip]
        named = [h for h in hits if h[1] is None]  # districts and old names
        zones = [h for h in hits if h[1] is not None]
        if named:
            codes = {h[0] for h in named}
            if len(codes) > 1:
                return District(None, None, None, ("district_multiple",))
            code = named[0][0]
            zone = next((z[1] for z in zones if z[0] == code), None) if zones else None
            alias = all(h[2] for h in named)
            return District(code, self.names[code], zone, ("district_alias",) if alias else ())
        if zones:
            code = zones[0][0]
            return District(code, self.names[code], zones[0][1], ("district_zone",))
        if any(w in s for w in self.ambiguous):
            return District(None, None, None, ("district_ambiguous_kaifaqu",))
        return _UNKNOWN

    def normalise(self, value: object) -> District:
        """Normalise a district cell to its GB/T 2260 code (see the module notes).

        Parameters
        ----------
        value : str, int, float or None
            The cell as python-calamine or the csv reader returns it.

        Returns
        -------
        District
        """
        if value is None:
            return _MISSING
        if isinstance(value, bool):
            return _UNKNOWN
        if isinstance(value, int):
            if 100000 <= value <= 999999:
                return self._from_code(str(value))
            return self.text_of(str(value))
        if isinstance(value, float):
            if not math.isfinite(value) or not value.is_integer():
                return _UNKNOWN
            return self.text_of(str(int(value)))
        return self.text_of(value if isinstance(value, str) else str(value))

    def _address_text(self, text: str) -> District:
        s = _WS_RE.sub("", unicodedata.normalize("NFKC", text)).upper()
        if not s:
            return _MISSING
        elsewhere = self.elsewhere_re.match
        for m in self.scan_re.finditer(s):
            alias = m.group()
            if alias in self.skip:
                continue
            if m.start() == 0 or not elsewhere(s):
                code, zone, old = self.aliases[alias]
                reasons = _FROM_ADDRESS + (("district_alias",) if old else
                                           ("district_zone",) if zone else ())
                return District(code, self.names[code], zone, reasons)
            break
        if elsewhere(s):
            return _OUTSIDE
        return _UNKNOWN

    def from_address(self, value: object) -> District:
        """The district an address lies in: the first district, old county or
        district name, or functional zone named in it that is a place (河北路 and
        西青道 are streets: ``天津市和平区河北路`` is 和平区), with
        ``district_from_address``.

        An address that starts with another province or city (``北京市朝阳区…``,
        ``河北省廊坊市…``) gives ``address_outside_tianjin`` (outside the region) and
        no code; one that names no district gives ``district_unknown``
        (``district_missing`` when empty).
        """
        if value is None:
            return _MISSING
        return self.address_of(value if isinstance(value, str) else str(value))

    def from_sheet_name(self, name: str) -> District | None:
        """The district a sheet is named after (``和平区``, ``滨海新区名单``), or None:
        workbooks with one sheet per district have no district column."""
        found = self.text_of(name)
        if found.code is None:
            return None
        return District(found.code, found.name, found.zone, ("district_from_sheet",))


@lru_cache(maxsize=8)
def district_rules(region: RegionFacts) -> DistrictRules:
    """The rules of ``region``, built once per process and region."""
    return DistrictRules(region)


# --- Tianjin, the built-in default ---------------------------------------------------------

_TIANJIN = district_rules(TIANJIN)
DISTRICTS: dict[str, str] = TIANJIN.district_names
BINHAI = "120116"
#: Old names (abolished counties / districts) -> current code.
OLD_NAMES: dict[str, str] = {old: d.code for d in TIANJIN.districts for old in d.old_names}
#: Old GB/T 2260 codes -> current code.
OLD_CODES: dict[str, str] = {old: d.code for d in TIANJIN.districts for old in d.old_codes}
#: Functional zones inside 滨海新区: zone name -> the spellings that name it.
ZONES: dict[str, tuple[str, ...]] = {z.name: z.spellings for z in TIANJIN.zones}
#: Words that name "a development zone" without saying whose.
AMBIGUOUS_ZONE_WORDS = TIANJIN.ambiguous_zone_words

normalise_district = _TIANJIN.normalise
district_from_address = _TIANJIN.from_address
district_from_sheet_name = _TIANJIN.from_sheet_name
