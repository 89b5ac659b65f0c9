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
from initiatives.views.phases import item_delete, item_form, section_edit, step_move
from initiatives.views.portfolio import portfolio, portfolio_export
from initiatives.views.reviews import review_create, review_detail, scale
from initiatives.views.spend import (
    spend,
    spend_edit,
    spend_import,
    spend_import_confirm,
    spend_remove,
)

__all__ = [
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
    "portfolio",
    "portfolio_export",
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
]
