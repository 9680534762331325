"""Money as an integer number of fen (分) with a currency; never a float."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_CURRENCY = "CNY"


@dataclass(frozen=True, order=True)
class Money:
    fen: int
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self) -> None:
        if not isinstance(self.fen, int) or isinstance(self.fen, bool):
            raise TypeError("Money is counted in whole fen (int)")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.fen + other.fen, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.fen - other.fen, self.currency)

    def __mul__(self, times: int) -> Money:
        return Money(self.fen * times, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def format(self) -> str:
        sign = "-" if self.fen < 0 else ""
        yuan, fen = divmod(abs(self.fen), 100)
        symbol = "¥" if self.currency == "CNY" else f"{self.currency} "
        return f"{sign}{symbol}{yuan}.{fen:02d}"

    def as_dict(self) -> dict[str, object]:
        return {"fen": self.fen, "currency": self.currency}
