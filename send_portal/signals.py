"""What any app's submission tells others when it is signed off (the notifications app listens).

Sent inside the transaction that makes the change; a receiver that sends mail enqueues its task with
transaction.on_commit, so nothing is sent for a change that is rolled back."""

from django.dispatch import Signal

# The Operations Group returned a submission (a ProgressUpdate, Measurement or HighlightReport) to its
# lead with a reason: sent with submission.
submission_returned = Signal()
