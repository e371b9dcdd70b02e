"""All table models. Import this package to get complete ``SQLModel.metadata``.

One module per area; add a line here when adding an area.
"""

from callcentre.db.models.frame import (
    Department,
    Enterprise,
    Item,
    ItemMembership,
    ListRow,
    SourceFile,
    Wave,
    WorkOrder,
)

__all__ = [
    "Department",
    "Enterprise",
    "Item",
    "ItemMembership",
    "ListRow",
    "SourceFile",
    "Wave",
    "WorkOrder",
]
