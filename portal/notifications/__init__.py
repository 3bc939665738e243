"""Notices that are never lost: inbox, e-mail through a transactional outbox, reminders.

Any operation notifies people with `portal.notifications.operations.notify(...)`.
"""
