"""All table models. Import this package to get complete ``SQLModel.metadata``.

One module per area; add a line here when adding an area.
"""

from callcentre.db.models.accounts import AppSetting, AuthToken, UserAccount  # noqa: F401
from callcentre.db.models.audit import AuditEvent  # noqa: F401
from callcentre.db.models.fieldwork import (  # noqa: F401
    Answer,
    CalendarDay,
    CallAttempt,
    CallerSession,
    CasePhone,
    CaseQueue,
    DoNotCall,
)
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
from callcentre.db.models.questionnaire import QuestionnaireVersion  # noqa: F401
from callcentre.db.models.rates import RateCaseOutcome, RateRefresh  # noqa: F401
from callcentre.db.models.sample import (  # noqa: F401
    SampleCase,
    SampleCaseItem,
    SampleDesign,
    SampleStratum,
    SampleUnit,
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
