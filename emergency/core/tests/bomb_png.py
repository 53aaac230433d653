"""A PNG that declares any size in a few dozen bytes (a "decompression bomb" header), for upload tests."""

from __future__ import annotations

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def declared_png(width: int, height: int) -> bytes:
    """A valid PNG header declaring width × height 8-bit grey pixels, with one compressed empty row of data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"\x00"))
            + _chunk(b"IEND", b""))


def bomb(name: str = "bomb.png", width: int = 30000, height: int = 30000) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, declared_png(width, height), content_type="image/png")
