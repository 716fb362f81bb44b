"""Light tables: a dict of numpy columns, plus lazy columns for external arrays."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np


class LazyColumn:
    """An external array read on demand: ``col[500]``, ``col[10:20]``, ``np.asarray(col)``.

    Only the rows asked for are read from disk.
    """

    def __init__(
        self,
        nrows: int,
        fetch: Callable[[int, int], np.ndarray],
        row_shape: tuple[int, ...] = (),
        dtype: str | None = None,
        name: str = "",
    ) -> None:
        self._n = nrows
        self._fetch = fetch
        self.name = name
        self.dtype = np.dtype(dtype) if dtype else None
        self.shape = (nrows, *row_shape)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index: int | slice) -> np.ndarray:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._n)
            if step != 1:
                return self[start:stop][::step]
            if stop <= start:
                return self._fetch(0, 0)[:0] if self._n else np.empty((0, *self.shape[1:]))
            return self._fetch(start, stop)
        i = int(index)
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(f"row {index} out of range for column {self.name!r} of {self._n}")
        row: np.ndarray = self._fetch(i, i + 1)[0]
        return row

    def read(self) -> np.ndarray:
        """All rows as one array."""
        return self[:]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        out = self.read()
        return out.astype(dtype) if dtype is not None else out

    def __repr__(self) -> str:
        return f"<LazyColumn {self.name!r} shape={self.shape} dtype={self.dtype}>"


Column = np.ndarray | LazyColumn


class Table(Mapping[str, Any]):
    """Columns of equal length by name: numpy arrays (or :class:`LazyColumn`).

    ``len(table)`` is the number of columns, ``table.nrows`` the number of rows.
    ``to_pandas()`` / ``to_xarray()`` convert when those packages are installed.
    """

    def __init__(self, columns: Mapping[str, Column], nrows: int | None = None) -> None:
        self._columns = dict(columns)
        if nrows is None:
            nrows = len(next(iter(self._columns.values()))) if self._columns else 0
        self.nrows = nrows

    def __getitem__(self, key: str) -> Any:
        return self._columns[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    @property
    def columns(self) -> list[str]:
        """The column names."""
        return list(self._columns)

    def to_dict(self) -> dict[str, np.ndarray]:
        """A plain dict of numpy arrays (lazy columns are read)."""
        return {k: np.asarray(v) for k, v in self._columns.items()}

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` (multi-dimensional cells become object columns)."""
        import pandas as pd

        data: dict[str, Any] = {}
        for k, v in self.to_dict().items():
            data[k] = list(v) if v.ndim > 1 else v
        return pd.DataFrame(data)

    def to_xarray(self) -> Any:
        """An ``xarray.Dataset`` with one ``row`` dimension (more for array cells)."""
        import xarray as xr

        variables = {}
        for k, v in self.to_dict().items():
            dims = ["row", *(f"{k}_dim_{i}" for i in range(v.ndim - 1))]
            variables[k] = (dims, v)
        return xr.Dataset(variables)

    def __repr__(self) -> str:
        cols = ", ".join(f"{k}{tuple(getattr(v, 'shape', ()))}" for k, v in self._columns.items())
        return f"<Table {self.nrows} rows: {cols}>"
