"""What the plan tells other apps when it changes (the notifications app listens; this app imports none).

Each is sent inside the transaction that makes the change; a receiver that sends mail enqueues its task
with transaction.on_commit, so nothing is sent for a change that is rolled back."""

from django.dispatch import Signal

# An action's current due date moved: sent with action, was (date), now (date), reason (str).
due_date_revised = Signal()
# A progress update moved an action to off track from another status: sent with action, update.
marked_off_track = Signal()
