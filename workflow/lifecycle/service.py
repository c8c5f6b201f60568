"""The service layer for recommendations, in one import: every operation a user can ask for.

Each function takes a unit of work, the recommendation's id and the actor's e-mail, then
keyword-only arguments, and runs in one transaction. The command line, the web application
and the API call these, and nothing else, to change a recommendation.
"""

from workflow.lifecycle.events import (
    close_action,
    monitor,
    parse_action,
    plan,
    record_update,
    request_extension,
    respond,
    start,
)
from workflow.lifecycle.oversight import (
    complete,
    decide_extension,
    edit,
    reassign,
    reopen,
    supersede,
)
from workflow.lifecycle.raising import raise_recommendation
from workflow.lifecycle.views import (
    list_recommendations,
    recommendation_page,
    show_recommendation,
)

__all__ = [
    "close_action",
    "complete",
    "decide_extension",
    "edit",
    "list_recommendations",
    "monitor",
    "parse_action",
    "plan",
    "raise_recommendation",
    "reassign",
    "recommendation_page",
    "record_update",
    "reopen",
    "request_extension",
    "respond",
    "show_recommendation",
    "start",
    "supersede",
]
