"""Notifications: Jinja2 templates, rendering, e-mail messages and the SMTP sender.

Receives plain data to render and to send; knows nothing of the database or the workflow.
"""

from notifications.message import build_message, header_safe, message_id_for
from notifications.render import Rendered, render
from notifications.smtp import Delivery, SmtpServer, send_batch

__all__ = [
    "Delivery",
    "Rendered",
    "SmtpServer",
    "build_message",
    "header_safe",
    "message_id_for",
    "render",
    "send_batch",
]
