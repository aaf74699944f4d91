"""Opening planned data files with pyarrow, local or on S3, counting the bytes read."""

from __future__ import annotations

import io
import os
from typing import Optional
from urllib.parse import urlparse

import pyarrow.fs as pafs
import pyarrow.parquet as pq


def s3_filesystem() -> pafs.S3FileSystem:
    """An S3 file system configured like the azof CLI (docs/S3.md): credentials and region from the
    AWS_* variables or profile, the endpoint from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (then
    path-style addressing)."""
    options: dict = {}
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if endpoint and os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() != "true":
        url = urlparse(endpoint)
        options["endpoint_override"] = url.netloc + url.path.rstrip("/")
        options["scheme"] = url.scheme or "https"
        options["force_virtual_addressing"] = False
    key = os.environ.get("AWS_ACCESS_KEY_ID")
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
    if key and secret:
        options["access_key"] = key
        options["secret_key"] = secret
        token = os.environ.get("AWS_SESSION_TOKEN")
        if token:
            options["session_token"] = token
    if os.environ.get("AWS_NO_SIGN_REQUEST", "").lower() == "true":
        options["anonymous"] = True
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    options["region"] = region or "us-east-1"
    return pafs.S3FileSystem(**options)


class CountingFile(io.RawIOBase):
    """A seekable file that counts the bytes read through it, split into footer and data."""

    def __init__(self, inner, size: int):
        super().__init__()
        self._inner = inner
        self._size = size
        self._position = 0
        self.bytes_read = 0
        self.requests = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._position, 2: self._size}[whence]
        self._position = base + offset
        return self._position

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self._size - self._position
        data = self._inner.read_at(size, self._position)
        self._position += len(data)
        self.bytes_read += len(data)
        self.requests += 1
        return bytes(data)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


class OpenedFile:
    """A planned data file opened for row-group reads, with the bytes it has read so far."""

    def __init__(self, path: str, filesystem: Optional[pafs.FileSystem] = None):
        if path.startswith("s3://"):
            filesystem = filesystem or s3_filesystem()
            inner = filesystem.open_input_file(path[len("s3://"):])
        else:
            inner = pafs.LocalFileSystem().open_input_file(path)
        self.path = path
        self.counting = CountingFile(inner, inner.size())
        self.parquet = pq.ParquetFile(self.counting)
        self.footer_bytes = self.counting.bytes_read

    @property
    def data_bytes(self) -> int:
        """Bytes read after the footer: the column chunks of the row groups read."""
        return self.counting.bytes_read - self.footer_bytes

    def chunk_bytes(self, group: int, columns: list[str]) -> int:
        """The stored size of the named columns' chunks in a row group."""
        meta = self.parquet.metadata.row_group(group)
        total = 0
        for c in range(meta.num_columns):
            chunk = meta.column(c)
            if chunk.path_in_schema in columns:
                total += chunk.total_compressed_size
        return total

    def close(self) -> None:
        self.counting.close()
