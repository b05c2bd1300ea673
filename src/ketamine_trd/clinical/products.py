"""Products and routes: esketamine nasal spray and racemic ketamine by route.

>>> Product.parse("Ketamine-IV")
<Product.KETAMINE_IV: 'ketamine-iv'>
>>> Product.ESKETAMINE_NASAL.is_esketamine
True
"""

from __future__ import annotations

from enum import StrEnum

from ketamine_trd.errors import UnknownTermError

__all__ = ["RACEMIC_NON_IV", "Product"]


class Product(StrEnum):
    """A product and route; the value is the id used in files, the CLI and the API."""

    ESKETAMINE_NASAL = "esketamine-nasal"
    KETAMINE_IV = "ketamine-iv"
    KETAMINE_IM = "ketamine-im"
    KETAMINE_ORAL = "ketamine-oral"
    KETAMINE_SUBLINGUAL = "ketamine-sublingual"
    KETAMINE_INTRANASAL = "ketamine-intranasal"

    @classmethod
    def parse(cls, text: str, field: str = "product") -> Product:
        """The product named by ``text`` (case and surrounding spaces ignored; ``_`` read as ``-``).

        >>> Product.parse(" esketamine_nasal ")
        <Product.ESKETAMINE_NASAL: 'esketamine-nasal'>
        """
        key = str(text).strip().lower().replace("_", "-")
        for member in cls:
            if member.value == key:
                return member
        raise UnknownTermError(field, text, ", ".join(m.value for m in cls))

    @property
    def is_esketamine(self) -> bool:
        """True for the SPRAVATO nasal spray (label-governed); False for racemic ketamine."""
        return self is Product.ESKETAMINE_NASAL

    @property
    def route(self) -> str:
        """The route alone: ``nasal``, ``iv``, ``im``, ``oral``, ``sublingual`` or ``intranasal``."""
        return self.value.split("-", 1)[1]


RACEMIC_NON_IV: tuple[Product, ...] = (
    Product.KETAMINE_IM,
    Product.KETAMINE_ORAL,
    Product.KETAMINE_SUBLINGUAL,
    Product.KETAMINE_INTRANASAL,
)
