from initiatives.views.core import (
    decisions,
    gate_decide,
    gate_request,
    gate_request_withdraw,
    history,
    initiative_create,
    initiative_detail,
    initiative_edit,
    initiative_list,
    move_back,
    resume,
    stop,
)
from initiatives.views.my_work import my_work
from initiatives.views.phases import (
    item_delete,
    item_form,
    section_edit,
    step_move,
    value_stream_start,
)
from initiatives.views.portfolio import portfolio, portfolio_export, portfolio_presentation
from initiatives.views.reviews import action_done, review_create, review_detail, scale
from initiatives.views.spend import (
    spend,
    spend_edit,
    spend_import,
    spend_import_confirm,
    spend_remove,
)

__all__ = [
    "action_done",
    "decisions",
    "gate_decide",
    "gate_request",
    "gate_request_withdraw",
    "history",
    "initiative_create",
    "initiative_detail",
    "initiative_edit",
    "initiative_list",
    "item_delete",
    "item_form",
    "move_back",
    "my_work",
    "portfolio",
    "portfolio_export",
    "portfolio_presentation",
    "resume",
    "review_create",
    "review_detail",
    "scale",
    "section_edit",
    "spend",
    "spend_edit",
    "spend_import",
    "spend_import_confirm",
    "spend_remove",
    "step_move",
    "stop",
    "value_stream_start",
]
