"""Open docx/xlsx containers without trusting them.

Everything is checked *before* anything is unpacked: the entry count from the end-of-central-
directory record (so 100,000 entries are refused without indexing them), then every entry's
declared size and compression ratio. Reads are bounded: an entry that inflates past its declared
size (a lying header) is refused as soon as it does, whether read whole (``read``) or streamed
(``open``, for parts too large to hold).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from duban.plandoc.errors import PlanReadError
from duban.plandoc.readers.limits import Limits, megabytes, whole_megabytes

_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_EOCD_SEARCH = _EOCD_SIZE + 0xFFFF  # the record plus the longest comment
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_CHUNK = 64 * 1024
DAMAGED = "文件已损坏：压缩包不完整或已截断"


class SafeZip:
    """A checked zip container; ``read`` returns one entry's bytes within the limits."""

    def __init__(self, data: bytes, limits: Limits) -> None:
        """Check the container and its declared sizes; raise ``PlanReadError`` on any doubt."""
        self.limits = limits
        _check_entry_count(data, limits)
        self._zip = _open(data)
        self._infos = {info.filename: info for info in self._zip.infolist()}
        _check_entries(self._zip.infolist(), len(self._infos), limits)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._infos)

    def size(self, name: str) -> int:
        """Declared uncompressed size of ``name`` (0 when there is no such entry)."""
        info = self._infos.get(name)
        return info.file_size if info else 0

    def read(self, name: str, max_bytes: int | None = None) -> bytes:
        """Entry ``name``, at most ``max_bytes`` (default: the XML part limit) long.

        Raises ``PlanReadError`` when the entry is missing, declared too large, inflates past its
        declared size, or fails its checksum.
        """
        info = self._entry(name, max_bytes)
        with _zip_errors():
            return _bounded_read(self._zip, info)

    def open(self, name: str, max_bytes: int | None = None) -> BoundedStream:
        """Entry ``name`` as a binary stream, for parts too large to hold whole.

        Checked like ``read`` before anything is inflated (present, declared size within
        ``max_bytes``); the stream's ``read`` raises ``PlanReadError`` as soon as the entry inflates
        past its declared size, when it ends short of it, or when its checksum fails. Use it as a
        context manager.
        """
        info = self._entry(name, max_bytes)
        with _zip_errors():
            return BoundedStream(self._zip.open(info), info)

    def _entry(self, name: str, max_bytes: int | None) -> zipfile.ZipInfo:
        cap = self.limits.xml_part_bytes if max_bytes is None else max_bytes
        info = self._infos.get(name)
        if info is None:
            raise PlanReadError(f"文件已损坏：缺少 {name}")
        if info.file_size > cap:
            raise PlanReadError(
                f"文件内容过大：{name} 解压后 {megabytes(info.file_size)}，"
                f"上限 {whole_megabytes(cap)}"
            )
        return info

    def head(self, name: str, size: int = 64) -> bytes:
        """The first ``size`` bytes of entry ``name``: enough to tell XML from binary."""
        info = self._infos[name]
        with _zip_errors(), self._zip.open(info) as stream:
            return stream.read(min(size, info.file_size))


class BoundedStream:
    """One zip entry being inflated, refused the moment it passes its declared size."""

    def __init__(self, stream: IO[bytes], info: zipfile.ZipInfo) -> None:
        self._stream = stream
        self._info = info
        self._seen = 0

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when negative); ``b""`` at the end."""
        with _zip_errors():
            chunk = self._stream.read(size)
        self._seen += len(chunk)
        if self._seen > self._info.file_size or (
            not chunk and size != 0 and self._seen != self._info.file_size
        ):
            raise PlanReadError(_lying(self._info))
        return chunk

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> BoundedStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _open(data: bytes) -> zipfile.ZipFile:
    with _zip_errors():
        return zipfile.ZipFile(io.BytesIO(data))


@contextmanager
def _zip_errors() -> Iterator[None]:
    """Turn what zipfile and zlib raise on damaged input into ``PlanReadError``."""
    try:
        yield
    except PlanReadError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise PlanReadError(f"文件已损坏：{_zip_reason(exc)}") from exc
    except (NotImplementedError, RuntimeError) as exc:  # unsupported method, encrypted entry
        raise PlanReadError("无法解压：压缩包使用了不支持的压缩方式或已加密") from exc
    except (ValueError, OSError, struct.error) as exc:
        raise PlanReadError(DAMAGED) from exc


def _zip_reason(exc: BaseException) -> str:
    text = str(exc)
    if "CRC" in text:
        return "压缩包校验失败（内容与校验码不符）"
    if "not a zip file" in text.lower() or "truncated" in text.lower():
        return "压缩包不完整或已截断"
    return "压缩包无法解压"


def _check_entry_count(data: bytes, limits: Limits) -> None:
    """Refuse too many entries, reading only the end-of-central-directory record."""
    count = _declared_entry_count(data)
    if count is None:
        raise PlanReadError(DAMAGED)
    if count > limits.zip_entries:
        raise PlanReadError(f"压缩包条目过多（{count} 个，上限 {limits.zip_entries}）")


def _declared_entry_count(data: bytes) -> int | None:
    """Total entries the EOCD (or its zip64 record) declares; ``None`` when there is no EOCD."""
    at = data.rfind(_EOCD, max(0, len(data) - _EOCD_SEARCH))
    if at < 0 or len(data) - at < _EOCD_SIZE:
        return None
    count: int = struct.unpack_from("<H", data, at + 10)[0]
    if count != 0xFFFF:
        return count
    locator = at - 20
    if locator < 0 or data[locator : locator + 4] != _ZIP64_LOCATOR:
        return count
    record: int = struct.unpack_from("<Q", data, locator + 8)[0]
    if record + 56 > len(data) or data[record : record + 4] != _ZIP64_EOCD:
        return None
    total: int = struct.unpack_from("<Q", data, record + 32)[0]
    return total


def _check_entries(infos: list[zipfile.ZipInfo], distinct: int, limits: Limits) -> None:
    """Refuse duplicate names, encrypted entries, too much declared data and bomb-like ratios."""
    if distinct != len(infos):
        raise PlanReadError("文件已损坏：压缩包中有重复的条目名")
    if len(infos) > limits.zip_entries:
        raise PlanReadError(f"压缩包条目过多（{len(infos)} 个，上限 {limits.zip_entries}）")
    total = sum(info.file_size for info in infos)
    if total > limits.zip_total_bytes:
        raise PlanReadError(
            f"压缩包解压后过大（{megabytes(total)}，"
            f"上限 {whole_megabytes(limits.zip_total_bytes)}），疑似压缩炸弹"
        )
    for info in infos:
        _check_entry(info, limits)


def _check_entry(info: zipfile.ZipInfo, limits: Limits) -> None:
    if _unsafe_name(info.orig_filename):
        name = info.orig_filename[:60]
        raise PlanReadError(f"压缩包中有不安全的条目名“{name}”（绝对路径、\\ 或 ..），疑似恶意文件")
    if info.flag_bits & 0x1:
        raise PlanReadError("文件已加密，请提供未加密的文件")
    if info.file_size < limits.zip_ratio_min_bytes:
        return
    ratio = info.file_size / max(info.compress_size, 1)
    if ratio > limits.zip_ratio:
        raise PlanReadError(
            f"压缩比异常（{info.filename}：{ratio:.0f} 倍，上限 {limits.zip_ratio:g} 倍），"
            "疑似压缩炸弹"
        )


def _unsafe_name(name: str) -> bool:
    """An entry name that would climb out of a folder it were unpacked into (no office file has
    one): absolute, a drive, a backslash or a ``..`` part."""
    parts = name.split("/")
    return name.startswith("/") or "\\" in name or ":" in name[:3] or ".." in parts


def _bounded_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    out = bytearray()
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            out += chunk
            if len(out) > info.file_size:
                raise PlanReadError(_lying(info))
    if len(out) != info.file_size:
        raise PlanReadError(_lying(info))
    return bytes(out)


def _lying(info: zipfile.ZipInfo) -> str:
    return f"文件已损坏：{info.filename} 的实际大小与声明不符（疑似伪造的压缩包）"
