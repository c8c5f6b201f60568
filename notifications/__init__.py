"""Notifications: Jinja2 templates, rendering, e-mail messages and the SMTP sender.

Receives plain data to render and to send; knows nothing of the database or the workflow.
Import the module you need (`notifications.render`, `notifications.message`,
`notifications.smtp`): each loads its own libraries, and only when used.
"""
