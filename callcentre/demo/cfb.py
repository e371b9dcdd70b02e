"""A minimal OLE compound file (CFB v3) that looks like a password-protected xlsx.

Excel saves an encrypted workbook not as a zip but as a compound file holding the
streams ``EncryptionInfo`` and ``EncryptedPackage``, with the ``.xlsx`` name kept.
An importer must recognise it and say "encrypted", not "corrupt". This writes such
a container without a dependency: the streams are sized ≥ 4096 bytes so that they
live in regular 512-byte sectors and no mini stream is needed.
"""

from __future__ import annotations

import random
import struct
from pathlib import Path

MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_FREE, _END, _FAT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR = 512


def _dir_entry(name: str, kind: int, left: int, right: int, child: int,
               start: int, size: int) -> bytes:
    raw = (name + "\0").encode("utf-16-le") if name else b""
    return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", left, right, child) + bytes(16) + bytes(4) + bytes(16)
            + struct.pack("<IQ", start, size))


def encrypted_xlsx_bytes(seed: int = 0) -> bytes:
    """Bytes of a compound file with ``EncryptionInfo`` and ``EncryptedPackage`` streams."""
    rng = random.Random(seed)
    info = (struct.pack("<HHI", 4, 4, 0x40)  # agile encryption, version 4.4
            + b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption">'
              b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
              b'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"/>'
              b'</encryption>').ljust(4096, b"\0")
    package = struct.pack("<Q", 6000) + bytes(rng.randrange(256) for _ in range(6136))
    streams = [("EncryptionInfo", info), ("EncryptedPackage", package)]
    # sector 0: FAT, sector 1: directory, then the streams
    fat = [_FAT, _END]
    starts = []
    for _, data in streams:
        n = -(-len(data) // _SECTOR)
        first = len(fat)
        starts.append(first)
        fat.extend(range(first + 1, first + n))
        fat.append(_END)
    fat.extend([_FREE] * (_SECTOR // 4 - len(fat)))
    # red-black tree of the root's children, ordered by (length, upper-case name):
    # "EncryptionInfo" (14) < "EncryptedPackage" (16); all black is accepted by readers.
    directory = (_dir_entry("Root Entry", 5, _NOSTREAM, _NOSTREAM, 2, _END, 0)
                 + _dir_entry("EncryptionInfo", 2, _NOSTREAM, _NOSTREAM, _NOSTREAM,
                              starts[0], len(info))
                 + _dir_entry("EncryptedPackage", 2, 1, _NOSTREAM, _NOSTREAM,
                              starts[1], len(package))
                 + _dir_entry("", 0, _NOSTREAM, _NOSTREAM, _NOSTREAM, 0, 0))
    header = (MAGIC + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 0x1000, _END, 0, _END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108)
    assert len(header) == _SECTOR
    body = b"".join(data.ljust(-(-len(data) // _SECTOR) * _SECTOR, b"\0") for _, data in streams)
    return header + struct.pack(f"<{len(fat)}I", *fat) + directory + body


def write_encrypted_xlsx(path: Path, seed: int = 0) -> None:
    path.write_bytes(encrypted_xlsx_bytes(seed))
